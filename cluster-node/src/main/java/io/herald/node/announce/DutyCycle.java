package io.herald.node.announce;

/**
 * Pure: how long to wait before the next run of a job whose cost grows with its input, so that it
 * takes at most a fixed share of one core. Planning every peer's routes is linear in the number of
 * Services; a burst of changes (thousands of Services created at once, each bringing several
 * decisions) would otherwise plan back to back and take a core from the API writes that the same
 * burst needs. Changes that arrive during the pause are planned together in the next run. An idle
 * node, whose last run ended long ago, runs at once, so a single change is not delayed.
 */
final class DutyCycle {
  private final double share;
  private long lastEnd = Long.MIN_VALUE;
  private long lastCost;

  /** @param share the largest fraction of time the job may run, in (0, 1] */
  DutyCycle(double share) {
    if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share must be in (0, 1]: " + share);
    this.share = share;
  }

  /** Nanoseconds to wait from {@code now} before the next run; 0 to run at once. */
  long delay(long now) {
    if (lastEnd == Long.MIN_VALUE) return 0;
    // A run of cost C followed by a pause of C * (1 - share) / share uses exactly the share.
    long pause = (long) (lastCost * (1 - share) / share);
    return Math.max(0, lastEnd + pause - now);
  }

  /** Records a run from {@code start} to {@code end} (nanoseconds of one clock). */
  void ran(long start, long end) {
    lastCost = Math.max(0, end - start);
    lastEnd = end;
  }
}
