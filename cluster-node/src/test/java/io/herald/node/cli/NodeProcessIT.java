package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Collector;
import io.herald.node.TestNodes;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.types.Asn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald node} as a real process: it peers with a loopback collector, and SIGTERM makes it
 * close the session with Cease 6/2 and its shutdown text, leave the cluster and exit 0.
 */
class NodeProcessIT {
  @TempDir Path dir;

  @Test
  void sigtermDrainsClosesAndExitsZero() throws Exception {
    try (BgpTransport transport = new BgpTransport()) {
      Collector router = new Collector(transport, "127.0.0.2", "127.0.0.3", Asn.of(64500), Asn.of(64512));
      Path config = dir.resolve("config.yaml");
      Files.writeString(config, """
          apiVersion: metallb.io/v1beta1
          kind: IPAddressPool
          metadata: {name: private}
          spec: {addresses: ["192.0.2.0/26"]}
          ---
          apiVersion: metallb.io/v1beta2
          kind: BGPPeer
          metadata: {name: r1}
          spec: {myASN: 64512, peerASN: 64500, peerAddress: 127.0.0.2, peerPort: %d, sourceAddress: 127.0.0.3}
          """.formatted(router.port));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "io.herald.node.cli.NodeCommand", "--config", config.toString(), "--node-name", "node-p",
          "--bind", "127.0.0.1:" + TestNodes.freePort(), "--http", "127.0.0.1:" + TestNodes.freePort(),
          "--journal", "h2:" + dir.resolve("journal"), "--drain-time", "300ms")
          .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
      Path log = dir.resolve("node.log");
      java.util.function.Supplier<List<String>> output = () -> {
        try {
          return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          return List.of();
        }
      };
      try {
        Collector.await("node up", () -> output.get().stream().anyMatch(l -> l.startsWith("node node-p up:")));
        Collector.await("session established", () -> router.established.size() == 1);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited: %s", output.get()).isTrue();
        assertThat(p.exitValue()).as("exit code, output: %s", output.get()).isZero();
        Collector.await("Cease 6/2 with text", () -> router.log.stream()
            .anyMatch(s -> s.contains("6/2") && s.contains("herald node shutting down")));
        assertThat(output.get()).contains("node node-p stopped");
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
          p.waitFor(30, TimeUnit.SECONDS);
        }
        router.close();
      }
    }
  }
}
