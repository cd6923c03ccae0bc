package io.herald.protocol.interop;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a probe until a condition holds. Interop tests wait on observable state (a session
 * state, a route in a RIB) instead of sleeping for a guessed time.
 */
public final class Await {
  static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private Await() {}

  /**
   * Calls {@code probe} until {@code done} accepts its value and returns that value. A probe that
   * throws counts as "not yet" (a daemon's control socket may not exist yet). On timeout throws an
   * {@link AssertionError} naming {@code what} and the last value or failure seen.
   */
  public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastFailure = null;
    while (true) {
      try {
        last = probe.get();
        lastFailure = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastFailure = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what
            + (lastFailure == null ? "; last value: " + last : "; last failure: " + lastFailure));
        if (lastFailure != null) {
          error.initCause(lastFailure);
        }
        throw error;
      }
      pause();
    }
  }

  /** Waits until {@code condition} is true. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
  }

  static void pause() {
    try {
      Thread.sleep(POLL_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
