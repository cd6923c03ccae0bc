package io.herald.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.node.Collector;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import io.herald.node.announce.NodeAnnouncements;
import io.herald.node.announce.ServiceAnnouncement;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.types.Asn;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test (run it with {@code -Dtest=NodeFootprintBenchmark}): one node holding N Services
 * announced to three loopback peers. Prints the time from the desired set to all routes at all
 * three collectors, and the heap in use after a full GC (the collectors' RIBs included).
 */
class NodeFootprintBenchmark {
  private static final int N = Integer.getInteger("herald.bench.services", 10_000);

  @Test
  void measure() throws Exception {
    Path dir = Files.createTempDirectory("herald-footprint");
    try (BgpTransport routers = new BgpTransport()) {
      List<Collector> collectors = List.of(
          new Collector(routers, "127.0.0.2", "127.0.0.3", Asn.of(64500), Asn.of(64512)),
          new Collector(routers, "127.0.0.4", "127.0.0.3", Asn.of(64500), Asn.of(64512)),
          new Collector(routers, "127.0.0.5", "127.0.0.3", Asn.of(64500), Asn.of(64512)));
      StringBuilder yaml = new StringBuilder(TestNodes.ONE_POOL.replace("192.0.2.0/26", "10.0.0.0/16"));
      for (int i = 0; i < 3; i++) {
        yaml.append("---\napiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: r").append(i)
            .append("}\nspec: {myASN: 64512, peerASN: 64500, peerAddress: ")
            .append(List.of("127.0.0.2", "127.0.0.4", "127.0.0.5").get(i)).append(", peerPort: ")
            .append(collectors.get(i).port).append(", sourceAddress: 127.0.0.3}\n");
      }
      yaml.append("---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: all}\nspec: {communities: [\"64512:1\"]}\n");
      HeraldNode node = HeraldNode.start(TestNodes.settings("footprint", TestNodes.freePort(), List.of(),
          new NodeSettings.Journal.H2(dir.resolve("journal")), Duration.ZERO), TestNodes.config(yaml.toString()),
          TestNodes.FAST);
      try {
        Collector.await("3 sessions", () -> collectors.stream().allMatch(c -> c.established.size() == 1));
        List<CompletableFuture<AllocationResult>> asks = new ArrayList<>();
        for (int i = 0; i < N; i++) {
          asks.add(node.allocations().allocate(ServiceRequest.builder("ns-" + (i % 50), "svc-" + i)
              .ports(ServicePort.tcp(80)).build()).toCompletableFuture());
        }
        List<ServiceAnnouncement> desired = new ArrayList<>();
        for (var f : asks) {
          AllocationResult.Assigned a = (AllocationResult.Assigned) f.get(300, TimeUnit.SECONDS);
          desired.add(ServiceAnnouncement.announce(a.service(), a.pool(), a.ips(), Map.of()));
        }
        long t0 = System.nanoTime();
        node.announcements().tell(new NodeAnnouncements.SetDesired(desired));
        Collector.await("all routes", () -> collectors.stream().allMatch(c -> c.routes.size() == N));
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < 3; i++) {
          System.gc();
          Thread.sleep(200);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: unknown").substring(6).strip();
        System.out.printf("%d Services to 3 peers: all routes at all collectors %.2f s after the desired set; "
            + "heap in use after GC %.0f MB, test JVM resident %s (node, collectors, test framework)%n",
            N, seconds, heap / 1048576.0, rss);
        assertThat(collectors).allSatisfy(c -> assertThat(c.routes).hasSize(N));
      } finally {
        node.system().terminate();
        node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (Collector c : collectors) {
          c.close();
        }
      }
    }
  }
}
