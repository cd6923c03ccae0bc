package io.herald.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose actor system does not finish terminating still counts as stopped once the last
 * shutdown phase has had its time: the process must exit, as when Artery's TCP streams stall in a
 * partition.
 */
class HeraldNodeStopTest {
  private Path dir;
  private HeraldNode node;

  private void start(Config overrides) throws Exception {
    dir = Files.createTempDirectory("herald-node-test");
    node = HeraldNode.start(
        TestNodes.settings("node-a", TestNodes.freePort(), List.of(), new NodeSettings.Journal.H2(dir.resolve("journal")),
            Duration.ofMillis(100)),
        TestNodes.config("""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: p}
            spec: {addresses: [192.0.2.0/28]}
            """),
        overrides.withFallback(TestNodes.FAST));
  }

  @AfterEach
  void cleanUp() throws Exception {
    node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    TestNodes.awaitH2Closed(dir);
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aTerminationThatStallsEndsAfterTheLastPhaseTimeout() throws Exception {
    start(ConfigFactory.parseString("pekko.coordinated-shutdown.phases.actor-system-terminate.timeout = 2s"));
    CountDownLatch release = new CountDownLatch(1);
    try {
      // an actor whose stop never returns holds the actor system's termination
      Behavior<Void> stuck = Behaviors.receive(Void.class)
          .onSignal(PostStop.class, signal -> {
            release.await();
            return Behaviors.same();
          })
          .build();
      node.system().systemActorOf(stuck, "stuck", Props.empty());

      long t0 = System.nanoTime();
      node.stop();
      node.whenStopped().toCompletableFuture().get(60, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;

      assertThat(node.whenTerminated().toCompletableFuture().isDone())
          .as("the actor system is still terminating: whenStopped did not wait for it").isFalse();
      // the phase's 2 s and the second after it, not before
      assertThat(seconds).isGreaterThanOrEqualTo(3.0);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aNormalStopEndsWithTheActorSystem() throws Exception {
    start(ConfigFactory.empty());
    assertThat(node.whenStopped().toCompletableFuture().isDone()).isFalse();
    node.stop();
    node.whenStopped().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(node.whenTerminated().toCompletableFuture().isDone()).isTrue();
  }
}
