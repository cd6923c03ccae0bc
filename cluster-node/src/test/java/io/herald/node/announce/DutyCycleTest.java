package io.herald.node.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DutyCycleTest {

  @Test
  void theFirstRunStartsAtOnce() {
    assertThat(new DutyCycle(0.25).delay(1_000)).isZero();
  }

  @Test
  void aRunIsFollowedByAPauseThatKeepsTheShare() {
    DutyCycle d = new DutyCycle(0.25);
    d.ran(0, 20_000_000);   // 20 ms of work
    // 25 %: 20 ms of work needs 60 ms of pause, counted from the end of the run.
    assertThat(d.delay(20_000_000)).isEqualTo(60_000_000);
    assertThat(d.delay(50_000_000)).isEqualTo(30_000_000);
    assertThat(d.delay(80_000_000)).isZero();
    assertThat(d.delay(500_000_000)).isZero();
  }

  @Test
  void aCheapRunBarelyDelaysTheNext() {
    DutyCycle d = new DutyCycle(0.25);
    d.ran(1_000_000, 1_050_000);   // 50 µs: a small node
    assertThat(d.delay(1_050_000)).isEqualTo(150_000);
  }

  @Test
  void theWholeShareMeansNoPause() {
    DutyCycle d = new DutyCycle(1.0);
    d.ran(0, 20_000_000);
    assertThat(d.delay(20_000_000)).isZero();
  }

  @Test
  void theShareMustBeAFraction() {
    assertThatThrownBy(() -> new DutyCycle(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DutyCycle(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
