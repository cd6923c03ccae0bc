package io.herald.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HeapTrimTest {
  private static final long MB = 1 << 20;

  @Test
  void anIdleNodeWhoseHeapGrewCollectsOnceThenNotAgainUntilItGrowsAgain() {
    HeapTrim trim = new HeapTrim(8 * MB, 60 * MB);
    assertThat(trim.check(60 * MB, 10)).as("first sample: nothing to compare with").isFalse();
    // A burst: the heap grows, collections run.
    assertThat(trim.check(100 * MB, 40)).as("busy").isFalse();
    assertThat(trim.check(110 * MB, 70)).as("busy").isFalse();
    // Quiet since the last check: collect.
    assertThat(trim.check(110 * MB, 71)).isTrue();
    trim.trimmed(80 * MB, 72);
    assertThat(trim.check(80 * MB, 72)).as("already given back").isFalse();
    assertThat(trim.check(86 * MB, 73)).as("grew less than the minimum").isFalse();
    assertThat(trim.check(89 * MB, 73)).as("grew by 9 MB and idle").isTrue();
  }

  @Test
  void aHeapThatShrankOnItsOwnLowersTheBaseline() {
    HeapTrim trim = new HeapTrim(8 * MB, 100 * MB);
    trim.check(100 * MB, 5);
    assertThat(trim.check(70 * MB, 6)).isFalse();
    assertThat(trim.check(79 * MB, 6)).as("9 MB over the smallest seen").isTrue();
  }

  @Test
  void aBusyNodeIsLeftAloneHoweverMuchItGrew() {
    HeapTrim trim = new HeapTrim(8 * MB, 50 * MB);
    trim.check(50 * MB, 0);
    for (int i = 1; i <= 10; i++) assertThat(trim.check(500 * MB, i * 2L)).isFalse();
  }

  @Test
  void theMinimumGrowthMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new HeapTrim(0, 1));
  }
}
