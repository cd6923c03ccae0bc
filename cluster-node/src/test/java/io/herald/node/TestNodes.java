package io.herald.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.herald.allocator.config.ConfigLoader;
import io.herald.allocator.config.HeraldConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Helpers to run real nodes inside one test JVM, on loopback. */
public final class TestNodes {
  private TestNodes() {}

  /**
   * Fast failure detection and the 2-node-safe keep-oldest strategy, unless a test picks another;
   * a terminated ActorSystem does not leave (that is how a crash looks to the others). The
   * heartbeat pause stays at 3 s: on two loaded cores a JIT or GC pause of a healthy node must not
   * look like a crash. For the same reason the resolver's "down all when unstable" guard is off:
   * with a 3 s stable-after it fires 5.25 s after the first change, and a loaded machine has been
   * seen to delay the decision that long, downing the whole cluster for one crashed node.
   */
  public static final Config FAST = ConfigFactory.parseString("""
      pekko.loglevel = WARNING
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.failure-detector.heartbeat-interval = 300ms
      pekko.cluster.failure-detector.acceptable-heartbeat-pause = 3s
      pekko.cluster.split-brain-resolver.stable-after = 3s
      pekko.cluster.split-brain-resolver.down-all-when-unstable = off
      pekko.cluster.split-brain-resolver.active-strategy = keep-oldest
      pekko.coordinated-shutdown.run-by-actor-system-terminate = off
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      pekko.cluster.run-coordinated-shutdown-when-down = off
      herald.ask-timeout = 2s
      herald.ask-attempts = 15
      """);

  /**
   * Waits (at most 10 s) until no H2 database under {@code dir} is open and its files stay put: H2's
   * file lock ({@code *.lock.db}) is removed by its own watchdog thread after the last connection
   * closed, so it can outlive a stopped node by a moment, and a {@code @TempDir} deleted in that
   * moment fails the test with "directory not empty".
   */
  public static void awaitH2Closed(java.nio.file.Path dir) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    java.util.List<String> before = null;
    while (System.nanoTime() < deadline) {
      java.util.List<String> now;
      try (var files = java.nio.file.Files.walk(dir)) {
        now = files.map(f -> f.getFileName().toString()).sorted().toList();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        now = null; // a file vanished while walking: look again
      }
      // closed, and nothing appeared or went since the last look (H2 may still write its trace file)
      if (now != null && now.equals(before) && now.stream().noneMatch(f -> f.endsWith(".lock.db"))) return;
      before = now;
      Thread.sleep(100);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public static NodeSettings settings(String name, int remotingPort, List<InetSocketAddress> seeds,
      NodeSettings.Journal journal, Duration drain) {
    return new NodeSettings(name, Map.of("kubernetes.io/hostname", name), loopback(remotingPort),
        loopback(freePort()), seeds, journal, drain, Optional.empty(), Optional.empty());
  }

  public static HeraldConfig config(String yaml) {
    ConfigLoader.Result r = ConfigLoader.load("test.yaml", yaml);
    if (r instanceof ConfigLoader.Result.Valid v) {
      return v.config();
    }
    throw new IllegalArgumentException(r.toString());
  }

  public static final String ONE_POOL = """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: private}
      spec: {addresses: ["192.0.2.0/26"]}
      """;
}
