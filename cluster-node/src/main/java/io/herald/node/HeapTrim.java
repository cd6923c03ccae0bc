package io.herald.node;

/**
 * When an idle node gives back the heap a burst left behind. The serial collector grows the heap
 * for a burst (thousands of Services and the writes they cause) but shrinks it only in a full
 * collection, which a quiet node may not run for days; G1's periodic collection (JEP 346) exists
 * for the same reason. So: once the committed heap has grown by at least {@code minGrowth} since
 * the last trim, and the node has been idle since the previous check (at most one collection in
 * between), one full collection is asked for. Pure: the caller samples the heap and collects.
 */
public final class HeapTrim {
  private final long minGrowth;
  /** The committed heap after the last trim, or the smallest seen since. */
  private long baseline;
  private long lastCollections = -1;

  public HeapTrim(long minGrowthBytes, long committedNow) {
    if (minGrowthBytes <= 0) throw new IllegalArgumentException("minGrowthBytes must be positive");
    this.minGrowth = minGrowthBytes;
    this.baseline = committedNow;
  }

  /**
   * One periodic check.
   *
   * @param committed the heap's committed bytes now
   * @param collections the collectors' total collection count now
   * @return true when a full collection should run now; then call {@link #trimmed}
   */
  public boolean check(long committed, long collections) {
    boolean idle = lastCollections >= 0 && collections - lastCollections <= 1;
    lastCollections = collections;
    baseline = Math.min(baseline, committed);
    return idle && committed - baseline >= minGrowth;
  }

  /** After the collection: what is committed now is the new baseline. */
  public void trimmed(long committed, long collections) {
    baseline = committed;
    lastCollections = collections;
  }
}
