package io.herald.k8s.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyedExecutorTest {

  @Test
  void tasksOfOneKeyKeepTheirOrderWhileOtherKeysGoAhead() throws Exception {
    try (KeyedExecutor ex = new KeyedExecutor("test", 4)) {
      CountDownLatch release = new CountDownLatch(1);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<?> first = ex.submit("a", () -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        order.add("a1");
        return null;
      });
      List<CompletableFuture<?>> rest = new ArrayList<>();
      for (int i = 2; i <= 50; i++) {
        String name = "a" + i;
        rest.add(ex.submit("a", () -> order.add(name)));
      }
      // another key is not held up by the blocked one
      assertThat(ex.submit("b", () -> "b1").get(10, TimeUnit.SECONDS)).isEqualTo("b1");
      assertThat(order).isEmpty();
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (CompletableFuture<?> f : rest) f.get(10, TimeUnit.SECONDS);
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 50; i++) expected.add("a" + i);
      assertThat(order).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aFailedTaskDoesNotStopTheNextOfItsKey() throws Exception {
    try (KeyedExecutor ex = new KeyedExecutor("test", 2)) {
      CompletableFuture<Object> failed = ex.submit("k", () -> {
        throw new IllegalStateException("API said no");
      });
      assertThat(ex.submit("k", () -> "next").get(10, TimeUnit.SECONDS)).isEqualTo("next");
      assertThat(failed).isCompletedExceptionally();
    }
  }

  @Test
  void idleThreadsEndAndComeBackForTheNextBurst() throws Exception {
    try (KeyedExecutor ex = new KeyedExecutor("keyed-idle-test", 3, 100)) {
      for (int i = 0; i < 30; i++) ex.submit("k" + (i % 5), () -> null).get(10, TimeUnit.SECONDS);
      assertThat(threads("keyed-idle-test")).isPositive();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (threads("keyed-idle-test") > 0 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(threads("keyed-idle-test")).as("threads left after idling").isZero();
      assertThat(ex.submit("k", () -> "again").get(10, TimeUnit.SECONDS)).isEqualTo("again");
    }
  }

  private static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
  }
}
