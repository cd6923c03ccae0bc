package io.herald.node.ip;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.Allocation;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Three nodes sharing one journal: Services allocated concurrently through every node, then the
 * node hosting the IP owner crashes (no leave: the split-brain resolver downs it), then the next
 * host leaves gracefully, and finally the whole cluster restarts. Every allocation must survive,
 * unchanged and without duplicates.
 */
final class ClusterOwnershipScenario {
  private final List<HeraldNode> nodes = new ArrayList<>();

  void run(NodeSettings.Journal journal) throws Exception {
    HeraldConfig config = TestNodes.config(TestNodes.ONE_POOL);
    int[] ports = {TestNodes.freePort(), TestNodes.freePort(), TestNodes.freePort()};
    List<InetSocketAddress> seeds = List.of(TestNodes.loopback(ports[0]));
    // Three nodes: keep-majority, the production strategy, survives the loss of any one.
    var conf = ConfigFactory.parseString("pekko.cluster.split-brain-resolver.active-strategy = keep-majority")
        .withFallback(TestNodes.FAST);
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(HeraldNode.start(TestNodes.settings("node-" + i, ports[i], seeds, journal, Duration.ZERO),
            config, conf));
      }
      // Up in every member's view, not only the first's: a member that has not yet seen itself
      // promoted from WeaklyUp does not count for the split-brain resolver, which then downs it
      // with the others when the oldest member crashes.
      await("3 members up in every view", () -> nodes.stream().allMatch(n -> upMembers(n) == 3));

      // 30 Services, asked through all three nodes at once.
      List<CompletableFuture<AllocationResult>> asks = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        asks.add(nodes.get(i % 3).allocations().allocate(svc(i)).toCompletableFuture());
      }
      Map<ServiceKey, List<IpAddress>> first = new TreeMap<>();
      for (var f : asks) {
        AllocationResult.Assigned a = (AllocationResult.Assigned) f.get(60, TimeUnit.SECONDS);
        first.put(a.service(), a.ips());
      }
      assertDistinct(first);

      // Crash the host of the IP owner: its ActorSystem stops without leaving.
      IpOwnerEntity.Snapshot before = nodes.get(0).allocations().snapshot().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(asMap(before.allocations())).isEqualTo(first);
      HeraldNode host = hostOf(before);
      host.system().terminate();
      host.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      nodes.remove(host);
      HeraldNode survivor = nodes.get(0);
      await("crashed node removed", () -> upMembers(survivor) == 2 && Cluster.get(survivor.system()).state().getUnreachable().isEmpty());

      IpOwnerEntity.Snapshot afterCrash = survivor.allocations().snapshot().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(afterCrash.host()).isNotEqualTo(before.host());
      assertThat(asMap(afterCrash.allocations())).as("recovered from the journal").isEqualTo(first);
      for (int i = 0; i < 30; i++) {
        AllocationResult.Assigned again = (AllocationResult.Assigned) nodes.get(i % 2).allocations().allocate(svc(i))
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(again.ips()).isEqualTo(first.get(again.service()));
        assertThat(again.change()).isEqualTo(AllocationResult.Change.UNCHANGED);
      }

      // The next host leaves gracefully: CoordinatedShutdown hands the shard over.
      HeraldNode next = hostOf(afterCrash);
      next.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
      next.system().terminate();
      next.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      nodes.remove(next);
      HeraldNode last = nodes.get(0);
      await("left node removed", () -> upMembers(last) == 1);
      IpOwnerEntity.Snapshot afterLeave = last.allocations().snapshot().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(afterLeave.host()).isEqualTo(last.system().address().toString());
      assertThat(asMap(afterLeave.allocations())).isEqualTo(first);

      // New Services still get fresh, distinct addresses.
      Map<ServiceKey, List<IpAddress>> all = new TreeMap<>(first);
      for (int i = 30; i < 33; i++) {
        AllocationResult.Assigned a = (AllocationResult.Assigned) last.allocations().allocate(svc(i))
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        all.put(a.service(), a.ips());
      }
      assertDistinct(all);
      assertThat(all).hasSize(33);

      // A full cluster restart: the last node stops, a new one starts on the same journal.
      last.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
      last.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      nodes.remove(last);
      HeraldNode fresh = HeraldNode.start(TestNodes.settings("node-r", TestNodes.freePort(), List.of(), journal,
          Duration.ZERO), config, conf);
      nodes.add(fresh);
      IpOwnerEntity.Snapshot afterRestart = fresh.allocations().snapshot().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(asMap(afterRestart.allocations())).as("every IP kept across a full restart").isEqualTo(all);
    } finally {
      for (HeraldNode n : nodes) {
        n.system().terminate();
        n.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private HeraldNode hostOf(IpOwnerEntity.Snapshot s) {
    return nodes.stream().filter(n -> n.system().address().toString().equals(s.host())).findFirst().orElseThrow();
  }

  private static ServiceRequest svc(int i) {
    return ServiceRequest.builder("default", "svc-" + i).ports(ServicePort.tcp(80)).build();
  }

  private static Map<ServiceKey, List<IpAddress>> asMap(List<Allocation> allocations) {
    Map<ServiceKey, List<IpAddress>> m = new TreeMap<>();
    allocations.forEach(a -> m.put(a.service(), a.ips()));
    return m;
  }

  private static void assertDistinct(Map<ServiceKey, List<IpAddress>> m) {
    var seen = new HashSet<IpAddress>();
    m.values().forEach(ips -> ips.forEach(ip -> assertThat(seen.add(ip)).as("duplicate " + ip).isTrue()));
  }

  private static int upMembers(HeraldNode n) {
    int up = 0;
    for (var m : Cluster.get(n.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
