package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scenarios every router runs: a Local Service's traffic reaches only the nodes with
 * endpoints, and a router restart gets the full table back. Subclasses pick the router and add
 * their own scenarios. Every class runs on the run's one lab ({@link SharedLab}), with its router
 * switched in; the scenarios create what they need if it is missing and leave the lab whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedLab.class)
abstract class RouterScenarios {
  static final Duration ROUTE_WAIT = Duration.ofSeconds(30);

  Lab lab;
  Path dir;

  abstract Lab.RouterKind kind();

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
