package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The lab with BIRD 2 (ECMP into the kernel with {@code merge paths}) as the router: every
 * scenario. The disruptive ones run last and put the lab back (healed links, three nodes up).
 */
class BirdLabIT extends RouterScenarios {
  @Override
  Lab.RouterKind kind() {
    return Lab.RouterKind.BIRD;
  }

  /** web (Cluster, private pool) and edge (Cluster, public pool), hosted on every node. */
  Map<String, String> clusterServices() {
    if (lab.client.services().inNamespace(Lab.NAMESPACE).withName("web").get() == null) {
      lab.createService("web", "Cluster", Map.of());
      lab.createService("edge", "Cluster", Map.of("metallb.universe.tf/address-pool", "public"));
      // a Service without a ready endpoint is not announced (MetalLB's noEndpoints)
      lab.setEndpoints("web", List.of(0, 1, 2));
      lab.setEndpoints("edge", List.of(0, 1, 2));
    }
    Map<String, String> ips = new TreeMap<>();
    for (String name : List.of("web", "edge")) {
      ips.put(name, lab.ingress(name));
      for (int i = 0; i < 3; i++) {
        lab.host(i, ips.get(name));
      }
    }
    return ips;
  }

  Map<String, String> allIps() {
    Map<String, String> ips = new TreeMap<>(clusterServices());
    ips.put("shop", shop());
    return ips;
  }

  @Test
  @Order(10)
  void servicesGetAddressesFromTheirPools() {
    Map<String, String> ips = clusterServices();
    String web = ips.get("web");
    String edge = ips.get("edge");
    assertThat(IpRange.of("203.0.113.0/26").contains(IpAddress.of(web))).as("web %s from private", web).isTrue();
    assertThat(IpRange.of("203.0.113.64/26").contains(IpAddress.of(edge))).as("edge %s from public", edge).isTrue();
    // externalTrafficPolicy Cluster: every node announces
    awaitFib(web, Lab.addresses(0, 1, 2));
    awaitFib(edge, Lab.addresses(0, 1, 2));
    awaitRouterMatchesDecisions(0);
  }

  @Test
  @Order(25)
  void kubectlDescribeShowsTheNodesThatAnnounce() {
    assumeTrue(Cmd.find("kubectl").isPresent(), "kubectl is not installed: this check needs the real client");
    shop();
    String[] last = {""};
    try {
      Lab.await("nodeAssigned from node1 and node3", Duration.ofSeconds(30), () -> {
        String text = describeShop();
        last[0] = text;
        return text.matches("(?s).*nodeAssigned\\s+.*announcing from node \"node1\".*")
            && text.matches("(?s).*nodeAssigned\\s+.*announcing from node \"node3\".*");
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; kubectl describe svc shop:\n" + last[0], e);
    }
    String text = describeShop();
    assertThat(text).doesNotContain("announcing from node \"node2\"");
    assertThat(text).containsPattern("LoadBalancer Ingress:\\s+" + shop().replace(".", "\\."));
  }

  /** The real kubectl against the sandbox API, from the root namespace (through the link into the lab). */
  private String describeShop() {
    return Cmd.run(Cmd.require("kubectl"), "--kubeconfig=" + lab.kubeconfig(), "--cache-dir=" + dir.resolve("kube-cache"),
        "--request-timeout=20s", "describe", "svc", "shop", "-n", Lab.NAMESPACE).orThrow().out();
  }

  @Test
  @Order(30)
  void theRouteFollowsAnEndpointThatMoves() throws Exception {
    String ip = shop();
    awaitFib(ip, Lab.addresses(0, 2));
    lab.host(1, ip);
    lab.setEndpoints("shop", List.of(0, 1));
    awaitFib(ip, Lab.addresses(0, 1));
    lab.unhost(2, ip);
    Lab.LoadResult r = Lab.LoadResult.of(lab.load(20, 3, List.of(ip)), Duration.ofSeconds(60));
    assertThat(r.failed()).as("failed requests: %s", r.failures()).isZero();
    assertThat(r.answeredBy()).containsOnlyKeys("node1", "node2");
    // and back, for the scenarios after this one
    lab.host(2, ip);
    lab.setEndpoints("shop", List.of(0, 2));
    awaitFib(ip, Lab.addresses(0, 2));
    lab.unhost(1, ip);
  }

  /** Brings node {@code i} back if it is not running (healed first), and waits until it serves again. */
  void restore(int i) {
    lab.nodeNs[i].heal();
    if (lab.nodes[i].isAlive()) {
      lab.stopNode(i);
    }
    lab.startNode(i);
    lab.awaitNodeReady(i);
    lab.awaitClusterSettled();
  }

  @Test
  @Order(70)
  void aKilledNodeLeavesTheFibAndNothingElseMoves() {
    Map<String, String> ips = allIps();
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    awaitFib(ips.get("shop"), Lab.addresses(0, 2));
    lab.killNode(2);
    awaitFib(ips.get("web"), Lab.addresses(0, 1));
    awaitFib(ips.get("edge"), Lab.addresses(0, 1));
    awaitFib(ips.get("shop"), Lab.addresses(0));
    assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
    restore(2);
    awaitFib(ips.get("shop"), Lab.addresses(0, 2));
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
  }

  @Test
  @Order(80)
  void aSilentNodeLeavesTheFibAfterTheHoldTimeAndTheClusterKeepsServing() {
    Map<String, String> ips = allIps();
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    lab.nodeNs[1].cut("eth0");
    awaitFib(ips.get("web"), Lab.addresses(0, 2));
    awaitFib(ips.get("edge"), Lab.addresses(0, 2));
    assertThat(lab.fib(ips.get("shop"))).as("shop had no endpoint on node2").isEqualTo(Lab.addresses(0, 2));
    Lab.LoadResult r = Lab.LoadResult.of(lab.load(20, 3, new ArrayList<>(ips.values())), Duration.ofSeconds(60));
    assertThat(r.failed()).as("failed requests: %s", r.failures()).isZero();
    assertThat(r.answeredBy()).doesNotContainKey("node2");
    // the cluster keeps allocating: the majority downs node2 and takes over what it owned
    lab.createService("late", "Cluster", Map.of());
    assertThat(IpRange.of("203.0.113.0/26").contains(IpAddress.of(lab.ingress("late")))).isTrue();
    assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
    restore(1);
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
  }

  @Test
  @Order(90)
  void aPartitionedMinorityStopsAnnouncingAndTheMajorityKeepsServing() {
    Map<String, String> ips = allIps();
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    // node3 loses node1 and node2 but keeps its router link
    lab.nodeNs[2].cutFrom(List.of(Lab.nodeAddress(0), Lab.nodeAddress(1)));
    Lab.await("node3 downed by the split-brain resolver", Duration.ofSeconds(90), () -> !lab.nodes[2].isAlive());
    awaitFib(ips.get("web"), Lab.addresses(0, 1));
    awaitFib(ips.get("shop"), Lab.addresses(0));
    lab.createService("after-split", "Cluster", Map.of());
    assertThat(lab.ingress("after-split")).isNotBlank();
    awaitRouterMatchesDecisions(0);
    assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
    restore(2);
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    awaitFib(ips.get("shop"), Lab.addresses(0, 2));
  }

  @Test
  @Order(100)
  void aRollingRestartLosesNoRequestAndKeepsEveryAddress() {
    Map<String, String> ips = allIps();
    for (String ip : ips.values()) {
      Lab.await("route for " + ip, ROUTE_WAIT, () -> !lab.fib(ip).isEmpty());
    }
    Proc load = lab.load(10, 600, new ArrayList<>(ips.values()));
    load.awaitLine(l -> l.startsWith("ok "), Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      assertThat(lab.stopNode(i)).as("%s exit code after SIGTERM", Lab.nodeName(i)).isZero();
      lab.startNode(i);
      lab.awaitNodeReady(i);
      awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    }
    awaitFib(ips.get("shop"), Lab.addresses(0, 2));
    load.stop(Duration.ofSeconds(5));
    Lab.LoadResult r = Lab.LoadResult.soFar(load);
    assertThat(r.answeredBy().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(100);
    assertThat(r.failed()).as("failed requests: %s", r.failures()).isZero();
    assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
  }
}
