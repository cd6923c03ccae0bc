package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scenarios every router runs, in this order: Services get addresses from their pools; a
 * Local Service's traffic reaches only the nodes with endpoints ({@code kubectl describe} shows
 * them); the route follows an endpoint that moves; a router restart gets the full table back; a
 * killed node and a silent node leave the FIB and nothing else moves; a rolling restart loses no
 * request. Subclasses pick the router and may add scenarios of their own. Every class runs on the
 * run's one lab ({@link SharedLab}), with its router switched in; the scenarios create what they
 * need if it is missing, and the disruptive ones (last) put the lab back: healed links, three
 * nodes up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedLab.class)
abstract class RouterScenarios {
  static final Duration ROUTE_WAIT = Duration.ofSeconds(30);

  Lab lab;
  Path dir;

  abstract Lab.RouterKind kind();

  /** {@code bird} or {@code frr}: a suffix for the names of objects this class creates for itself. */
  String routerName() {
    return kind().name().toLowerCase(java.util.Locale.ROOT);
  }

  @BeforeAll
  void startLab(SharedLab.Handle shared) {
    Lab.assumeRunnable(kind());
    lab = shared.lab(kind());
    // a class that failed before this one may have left a node down
    lab.restoreNodes();
    lab.useRouter(kind());
    dir = lab.dir;
  }

  /** Creates the Local Service {@code shop} once, with endpoints on node1 and node3, hosted there. */
  String shop() {
    if (lab.client.services().inNamespace(Lab.NAMESPACE).withName("shop").get() == null) {
      lab.createService("shop", "Local", Map.of());
      lab.setEndpoints("shop", List.of(0, 2));
    }
    String ip = lab.ingress("shop");
    lab.host(0, ip);
    lab.host(2, ip);
    return ip;
  }

  void awaitFib(String ip, Set<String> nextHops) {
    try {
      Lab.await("FIB " + ip + " via " + nextHops, ROUTE_WAIT, () -> lab.fib(ip).equals(nextHops));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; FIB is " + lab.fib() + "\n" + lab.nodeTails(), e);
    }
  }

  /**
   * Each node peers with the real router and the routes there match the decisions: per neighbor,
   * the prefixes the router accepted equal what that node says it announces (GET /api/v1/services).
   */
  void awaitRouterMatchesDecisions(int askNode) {
    Map<String, Set<String>>[] last = new Map[2];
    try {
      Lab.await("router's routes per neighbor equal the nodes' decisions", ROUTE_WAIT, () -> {
        Map<String, Set<String>> decided = lab.decisions(askNode);
        Map<String, Set<String>> seen = new java.util.TreeMap<>();
        for (String n : decided.keySet()) {
          seen.put(n, lab.router.prefixesFrom(n));
        }
        last[0] = decided;
        last[1] = seen;
        return !decided.isEmpty() && decided.equals(seen);
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": decided " + last[0] + ", router has " + last[1], e);
    }
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
    // A Service of this class's own: Events outlive a class, and another class's scenarios move
    // shop's endpoints (node2 announced it for a while).
    String name = "described-" + routerName();
    if (lab.client.services().inNamespace(Lab.NAMESPACE).withName(name).get() == null) {
      lab.createService(name, "Local", Map.of());
      lab.setEndpoints(name, List.of(0, 2));
    }
    String ip = lab.ingress(name);
    String[] last = {""};
    try {
      Lab.await("nodeAssigned from node1 and node3", Duration.ofSeconds(30), () -> {
        String text = describe(name);
        last[0] = text;
        return text.matches("(?s).*nodeAssigned\\s+.*announcing from node \"node1\".*")
            && text.matches("(?s).*nodeAssigned\\s+.*announcing from node \"node3\".*");
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; kubectl describe svc " + name + ":\n" + last[0], e);
    }
    String text = describe(name);
    assertThat(text).doesNotContain("announcing from node \"node2\"");
    assertThat(text).containsPattern("LoadBalancer Ingress:\\s+" + ip.replace(".", "\\."));
  }

  /** The real kubectl against the sandbox API, from the root namespace (through the link into the lab). */
  private String describe(String service) {
    return Cmd.run(Cmd.require("kubectl"), "--kubeconfig=" + lab.kubeconfig(), "--cache-dir=" + dir.resolve("kube-cache"),
        "--request-timeout=20s", "describe", "svc", service, "-n", Lab.NAMESPACE).orThrow().out();
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
    try {
      awaitFib(ips.get("web"), Lab.addresses(0, 1));
      awaitFib(ips.get("edge"), Lab.addresses(0, 1));
      awaitFib(ips.get("shop"), Lab.addresses(0));
      assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
    } finally {
      // also after a failure: the scenarios after this one need three nodes
      restore(2);
    }
    awaitFib(ips.get("shop"), Lab.addresses(0, 2));
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
  }

  @Test
  @Order(80)
  void aSilentNodeLeavesTheFibAfterTheHoldTimeAndTheClusterKeepsServing() {
    Map<String, String> ips = allIps();
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
    lab.nodeNs[1].cut("eth0");
    try {
      silentNodeScenario(ips);
    } finally {
      restore(1);
    }
    awaitFib(ips.get("web"), Lab.addresses(0, 1, 2));
  }

  private void silentNodeScenario(Map<String, String> ips) {
    awaitFib(ips.get("web"), Lab.addresses(0, 2));
    awaitFib(ips.get("edge"), Lab.addresses(0, 2));
    assertThat(lab.fib(ips.get("shop"))).as("shop had no endpoint on node2").isEqualTo(Lab.addresses(0, 2));
    Lab.LoadResult r = Lab.LoadResult.of(lab.load(20, 3, new ArrayList<>(ips.values())), Duration.ofSeconds(60));
    assertThat(r.failed()).as("failed requests: %s", r.failures()).isZero();
    assertThat(r.answeredBy()).doesNotContainKey("node2");
    // the cluster keeps allocating: the majority downs node2 and takes over what it owned
    String late = "late-" + routerName();
    lab.createService(late, "Cluster", Map.of());
    assertThat(IpRange.of("203.0.113.0/26").contains(IpAddress.of(lab.ingress(late)))).isTrue();
    assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
  }

  @Test
  @Order(100)
  void aRollingRestartKeepsEveryAddressAndLosesNoRequestOutsideAnEcmpRehash() {
    Map<String, String> ips = allIps();
    for (String ip : ips.values()) {
      Lab.await("route for " + ip, ROUTE_WAIT, () -> !lab.fib(ip).isEmpty());
    }
    try (FibMonitor fib = new FibMonitor(lab.rtr)) {
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
      int answered = r.answeredBy().values().stream().mapToInt(Integer::intValue).sum();
      List<FibMonitor.Change> changes = fib.history();
      System.out.printf("rolling restart: %d requests answered, %d failed (%s), %d FIB changes%n",
          answered, r.failed(), r.failures(), changes.size());
      assertThat(answered).isGreaterThan(100);
      // each drain takes a node out of web's next hops and its return puts it back
      assertThat(changes).as("FIB changes of web").filteredOn(c -> c.prefix().equals(ips.get("web") + "/32"))
          .hasSizeGreaterThanOrEqualTo(6);
      // a request in flight while its route's next hops change may be hashed to another node
      // (stateless ECMP); any other failure is a lost request
      assertThat(r.failuresNotExplainedBy(changes, Duration.ofMillis(500)))
          .as("failed requests (all: %s) not in flight across a FIB change (%s)", r.failures(), changes).isEmpty();
    }
    assertThat(allIps()).as("no Service changed address").isEqualTo(ips);
  }

  @Test
  @Order(20)
  void aLocalServiceIsRoutedToTheNodesWithEndpointsOnly() throws Exception {
    String ip = shop();
    awaitFib(ip, Lab.addresses(0, 2));
    awaitRouterMatchesDecisions(1);

    Lab.LoadResult r = Lab.LoadResult.of(lab.load(20, 3, List.of(ip)), Duration.ofSeconds(60));
    assertThat(r.failed()).as("failed requests: %s", r.failures()).isZero();
    assertThat(r.answeredBy()).as("answers by node").containsOnlyKeys("node1", "node3");
  }

  @Test
  @Order(60)
  void aRestartedRouterGetsEveryRouteAgain() {
    String ip = shop();
    awaitFib(ip, lab.fib(ip).isEmpty() ? Lab.addresses(0, 2) : lab.fib(ip));
    Map<String, Set<String>> before = lab.fib();
    assertThat(before).isNotEmpty();

    lab.router.restart();
    for (int i = 0; i < 3; i++) {
      String n = Lab.nodeAddress(i);
      Lab.await("session with " + n + " back", ROUTE_WAIT, () -> lab.router.established(n));
    }
    Lab.await("the full table re-sent into the FIB", ROUTE_WAIT, () -> lab.fib().equals(before));
    awaitRouterMatchesDecisions(0);
  }
}
