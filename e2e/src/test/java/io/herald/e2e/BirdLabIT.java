package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The lab with BIRD 2 (ECMP into the kernel with {@code merge paths}) as the router: every
 * scenario of {@link RouterScenarios}, plus a partition of the cluster, which is Herald's own
 * matter (split-brain resolver) and independent of the router. It puts the lab back (healed
 * links, three nodes up) before the rolling restart.
 */
class BirdLabIT extends RouterScenarios {
  @Override
  Lab.RouterKind kind() {
    return Lab.RouterKind.BIRD;
  }

  @Test
  @Order(90)
  void aPartitionedMinorityStopsAnnouncingAndTheMajorityKeepsServing() {
    Map<String, String> ips = allIps();
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    // node3 loses node1 and node2 but keeps its router link
    lab.nodeNs[2].cutFrom(List.of(Lab.nodeAddress(0), Lab.nodeAddress(1)));
    try {
      Lab.await("node3 downed by the split-brain resolver", Duration.ofSeconds(90), () -> !lab.nodes[2].isAlive(),
          () -> lab.clusterView(2) + lab.clusterView(0) + lab.clusterView(1));
      awaitFib(ips.get("web"), Lab.addresses(0, 1));
      awaitFib(ips.get("shop"), Lab.addresses(0));
      lab.createService("after-split", "Cluster", Map.of());
      assertThat(lab.ingress("after-split")).isNotBlank();
      awaitRouterMatchesDecisions(0);
      assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
    } finally {
      restore(2);
    }
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    awaitFib(ips.get("shop"), Lab.addresses(0, 2));
  }
}
