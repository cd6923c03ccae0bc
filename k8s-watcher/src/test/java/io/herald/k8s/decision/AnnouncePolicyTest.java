package io.herald.k8s.decision;

import static io.herald.k8s.decision.Fixture.bgpAd;
import static io.herald.k8s.decision.Fixture.endpoint;
import static io.herald.k8s.decision.Fixture.l2Ad;
import static io.herald.k8s.decision.Fixture.ready;
import static io.herald.k8s.decision.Fixture.sel;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.allocator.pool.LabelSelector;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.PeerView;
import io.herald.k8s.model.TrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Story tests of the announce decision: each row starts from a cluster where worker-1 announces
 * the Service over BGP, changes one thing, and names the BGP outcome (a Withdraw reason, or null
 * for Announce).
 */
class AnnouncePolicyTest {

  private static Arguments row(String story, UnaryOperator<Fixture> change, Reason expected) {
    return Arguments.of(story, change, expected);
  }

  static Stream<Arguments> bgpStories() {
    return Stream.of(
        row("baseline: Cluster policy, a ready endpoint elsewhere, one peer", f -> f, null),
        row("Service of another class", f -> { f.lbClass = Optional.of("other"); return f; }, Reason.LOAD_BALANCER_CLASS_MISMATCH),
        row("speaker handles a class, Service has none",
            f -> { f.settings = new AnnounceSettings("worker-1", Optional.of("herald"), false); return f; },
            Reason.LOAD_BALANCER_CLASS_MISMATCH),
        row("speaker and Service share the class",
            f -> { f.lbClass = Optional.of("herald"); f.settings = new AnnounceSettings("worker-1", Optional.of("herald"), false); return f; },
            null),
        row("type ClusterIP", f -> { f.type = "ClusterIP"; return f; }, Reason.NOT_LOAD_BALANCER),
        row("no ingress IP yet", f -> { f.ips.clear(); return f; }, Reason.NO_IP_ALLOCATED),
        row("IP in no pool", f -> { f.ips.set(0, "198.51.100.7"); return f; }, Reason.IP_NOT_ALLOWED),
        row("pool removed", f -> { f.pools.clear(); return f; }, Reason.IP_NOT_ALLOWED),
        row("own Node not in cache", f -> { f.nodes.remove("worker-1"); return f; }, Reason.NODE_UNKNOWN),
        row("NetworkUnavailable=True", f -> f.node("worker-1", Map.of(), true), Reason.NODE_NETWORK_UNAVAILABLE),
        row("exclude-from-external-load-balancers label",
            f -> f.node("worker-1", Map.of(NodeView.EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS, ""), false),
            Reason.NODE_LABELED_EXCLUDE_BALANCERS),
        row("exclude label ignored by setting",
            f -> { f.settings = new AnnounceSettings("worker-1", Optional.empty(), true);
                   return f.node("worker-1", Map.of(NodeView.EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS, "true"), false); },
            null),
        row("only an L2Advertisement", f -> { f.ads.removeIf(a -> a.protocol() == AnnounceProtocol.BGP); return f; }, Reason.NO_MATCHING_ADVERTISEMENT),
        row("advertisement names another pool",
            f -> { f.ads.set(0, ad("bgp", List.of("other"), List.of(), List.of(), List.of(), List.of())); return f; },
            Reason.NO_MATCHING_ADVERTISEMENT),
        row("advertisement selects the pool by label",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(sel("tier", "public")), List.of(), List.of(), List.of())); return f; },
            null),
        row("advertisement's pool selector does not match",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(sel("tier", "private")), List.of(), List.of(), List.of())); return f; },
            Reason.NO_MATCHING_ADVERTISEMENT),
        row("advertisement's service selector does not match",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(), List.of(sel("app", "db")), List.of(), List.of())); return f; },
            Reason.NO_MATCHING_ADVERTISEMENT),
        row("advertisement's service selector matches",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(), List.of(sel("app", "web")), List.of(), List.of())); return f; },
            null),
        row("advertisement's node selector excludes this node",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(), List.of(), List.of(sel("rack", "b")), List.of())); return f; },
            Reason.NOT_OWNER),
        row("advertisement's node selector (matchExpressions) selects this node",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(), List.of(),
                       List.of(new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement(
                           "rack", LabelSelector.Operator.IN, List.of("a", "c"))))), List.of())); return f; },
            null),
        row("peer's node selector excludes this node",
            f -> { f.peers.set(0, new PeerView("tor", List.of(sel("rack", "b")))); return f; }, Reason.NO_MATCHING_PEER),
        row("advertisement names another peer",
            f -> { f.ads.set(0, ad("bgp", List.of(), List.of(), List.of(), List.of(), List.of("spine"))); return f; },
            Reason.NO_MATCHING_PEER),
        row("no peers configured", f -> { f.peers.clear(); return f; }, Reason.NO_MATCHING_PEER),
        row("Cluster: no endpoints", f -> { f.endpoints.clear(); return f; }, Reason.NO_ENDPOINTS),
        row("Cluster: only not-ready endpoints", f -> { f.endpoints = List.of(endpoint("worker-1", false, null)); return f; }, Reason.NO_ENDPOINTS),
        row("Cluster: ready absent counts as ready", f -> { f.endpoints = List.of(endpoint("worker-3", null, null)); return f; }, null),
        row("Cluster: not ready but serving (terminating) counts",
            f -> { f.endpoints = List.of(endpoint("worker-3", false, true)); return f; }, null),
        row("Local: endpoint only on another node",
            f -> { f.etp = TrafficPolicy.LOCAL; return f; }, Reason.NO_LOCAL_ENDPOINTS),
        row("Local: endpoint without nodeName does not count",
            f -> { f.etp = TrafficPolicy.LOCAL; f.endpoints = List.of(endpoint(null, true, null)); return f; }, Reason.NO_LOCAL_ENDPOINTS),
        row("Local: not-ready endpoint here", f -> { f.etp = TrafficPolicy.LOCAL; f.endpoints = List.of(endpoint("worker-1", false, false)); return f; },
            Reason.NO_LOCAL_ENDPOINTS),
        row("Local: ready endpoint here", f -> { f.etp = TrafficPolicy.LOCAL; f.endpoints.add(ready("worker-1")); return f; }, null),
        row("dual-stack IPs in one pool",
            f -> { f.pools.set(0, Fixture.pool("ds", Map.of(), "192.0.2.0/28", "2001:db8::/124")); f.ips.add("2001:db8::5"); return f; },
            null),
        row("second IP outside the pool", f -> { f.ips.add("2001:db8:1::5"); return f; }, Reason.IP_NOT_ALLOWED));
  }

  private static AdvertisementView ad(
      String name, List<String> pools, List<LabelSelector> poolSel, List<LabelSelector> svcSel,
      List<LabelSelector> nodeSel, List<String> peers) {
    return new AdvertisementView(name, AnnounceProtocol.BGP, pools, poolSel, svcSel, nodeSel, peers, List.of());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bgpStories")
  void bgp(String story, UnaryOperator<Fixture> change, Reason expected) {
    AnnounceDecision d = new Fixture().with(change).bgp();
    assertThat(d.protocol()).isEqualTo(AnnounceProtocol.BGP);
    if (expected == null) {
      assertThat(d).isInstanceOf(AnnounceDecision.Announce.class);
    } else {
      assertThat(d).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.BGP, expected));
    }
  }

  @Test
  void bgpAnnouncementNamesItsIpsAdvertisementsAndPeersSorted() {
    Fixture f = new Fixture();
    f.ads.add(bgpAd("a-second"));
    f.peers.add(new PeerView("spine", List.of()));
    f.peers.add(new PeerView("other-rack", List.of(sel("rack", "b"))));
    assertThat(f.bgp()).isEqualTo(new AnnounceDecision.Announce(
        AnnounceProtocol.BGP, List.of("192.0.2.10"), List.of("a-second", "bgp-all"), List.of("spine", "tor"), List.of()));
  }

  @Test
  void deletedServiceWithdrawsBothProtocols() {
    ServiceDecision d = AnnouncePolicy.decide(Fixture.WEB, Optional.empty(), List.of(), Map.of(),
        new Fixture().config(), AnnounceSettings.forNode("worker-1"));
    assertThat(d.bgp()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.BGP, Reason.SERVICE_DELETED));
    assertThat(d.layer2()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.SERVICE_DELETED));
    assertThat(d.announces()).isFalse();
  }

  // --- Layer 2 ---

  /**
   * Election vectors: the order of sha256("NODE#IP") over worker-1..3, computed outside Java with
   * {@code printf '%s' "worker-1#192.0.2.10" | sha256sum}: .10 → worker-2, worker-3, worker-1;
   * .11 → worker-1, worker-2, worker-3; .12 → worker-3, worker-1, worker-2.
   */
  static Stream<Arguments> elections() {
    return Stream.of(
        Arguments.of("192.0.2.10", List.of("worker-2", "worker-3", "worker-1")),
        Arguments.of("192.0.2.11", List.of("worker-1", "worker-2", "worker-3")),
        Arguments.of("192.0.2.12", List.of("worker-3", "worker-1", "worker-2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("elections")
  void layer2ElectsTheFirstNodeByHashAndOnlyIt(String ip, List<String> order) {
    for (String node : order) {
      Fixture f = new Fixture().me(node);
      f.ips.set(0, ip);
      AnnounceDecision d = f.l2();
      if (node.equals(order.get(0))) {
        assertThat(d).isEqualTo(new AnnounceDecision.Announce(AnnounceProtocol.LAYER2, List.of(ip), List.of("l2-all"), List.of(), List.of()));
      } else {
        assertThat(d).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NOT_OWNER));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("elections")
  void layer2WinnerDroppedForNodeRulesPassesToTheNext(String ip, List<String> order) {
    for (int rule = 0; rule < 3; rule++) {
      Fixture f = new Fixture().me(order.get(1));
      f.ips.set(0, ip);
      String first = order.get(0);
      switch (rule) {
        case 0 -> f.node(first, Map.of(), true);
        case 1 -> f.node(first, Map.of(NodeView.EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS, ""), false);
        default -> {
          // The first node moves to rack z, which the advertisement's node selector leaves out.
          f.node(first, Map.of("rack", "z"), false);
          f.ads.set(1, new AdvertisementView("l2", AnnounceProtocol.LAYER2, List.of(), List.of(), List.of(),
              List.of(new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement(
                  "rack", LabelSelector.Operator.NOT_IN, List.of("z"))))),
              List.of(), List.of()));
        }
      }
      assertThat(f.l2().kind()).as("rule %d", rule).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);
    }
  }

  @Test
  void layer2LocalPolicyElectsOnlyAmongNodesWithEndpoints() {
    // For 192.0.2.10 worker-2 would win; with ETP Local and the only endpoint on worker-1, worker-1 wins.
    Fixture here = new Fixture().me("worker-1");
    here.etp = TrafficPolicy.LOCAL;
    here.endpoints = List.of(ready("worker-1"));
    assertThat(here.l2().kind()).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);

    Fixture there = new Fixture().me("worker-2");
    there.etp = TrafficPolicy.LOCAL;
    there.endpoints = List.of(ready("worker-1"));
    assertThat(there.l2()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NO_LOCAL_ENDPOINTS));

    Fixture none = new Fixture().me("worker-2");
    none.etp = TrafficPolicy.LOCAL;
    none.endpoints = List.of();
    assertThat(none.l2()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NO_LOCAL_ENDPOINTS));
  }

  @Test
  void layer2ClusterPolicyNeedsAnEndpointSomewhere() {
    Fixture f = new Fixture().me("worker-2");
    f.endpoints = List.of(endpoint("worker-3", false, false));
    assertThat(f.l2()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NO_ENDPOINTS));
  }

  @Test
  void layer2SharedIpCannotUseAnAdvertisementWithServiceSelectors() {
    Fixture f = new Fixture().me("worker-2");
    f.ads.set(1, new AdvertisementView("l2", AnnounceProtocol.LAYER2, List.of(), List.of(), List.of(sel("app", "web")), List.of(), List.of(), List.of()));
    assertThat(f.l2().kind()).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);
    f.svcAnnotations.put("metallb.io/allow-shared-ip", "k1");
    assertThat(f.l2()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.SHARED_IP_WITH_SERVICE_SELECTOR));
  }

  @Test
  void layer2OwnNodeRulesAndMissingAdvertisement() {
    assertThat(new Fixture().me("worker-2").node("worker-2", Map.of(), true).l2())
        .isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NODE_NETWORK_UNAVAILABLE));
    Fixture noAd = new Fixture().me("worker-2");
    noAd.ads.removeIf(a -> a.protocol() == AnnounceProtocol.LAYER2);
    assertThat(noAd.l2()).isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NO_MATCHING_ADVERTISEMENT));
    assertThat(new Fixture().me("worker-9").l2())
        .isEqualTo(new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NODE_UNKNOWN));
  }

  @Test
  void layer2InterfacesAreTheUnionUnlessOneAdvertisementTakesAll() {
    Fixture f = new Fixture().me("worker-2");
    f.ads.set(1, new AdvertisementView("l2-a", AnnounceProtocol.LAYER2, List.of(), List.of(), List.of(), List.of(), List.of(), List.of("eth1")));
    f.ads.add(new AdvertisementView("l2-b", AnnounceProtocol.LAYER2, List.of(), List.of(), List.of(), List.of(), List.of(), List.of("bond0", "eth1")));
    assertThat(((AnnounceDecision.Announce) f.l2()).interfaces()).containsExactly("bond0", "eth1");
    f.ads.add(l2Ad("l2-all"));
    assertThat(((AnnounceDecision.Announce) f.l2()).interfaces()).isEmpty();
  }

  @Test
  void removingANonWinnerNeverMovesTheIp() {
    // MetalLB's stability property of the hash election, over seeded random clusters and IPs.
    var rnd = new java.util.SplittableRandom(20261126L);
    for (int round = 0; round < 200; round++) {
      Fixture f = new Fixture();
      f.nodes.clear();
      int n = 2 + rnd.nextInt(8);
      for (int i = 0; i < n; i++) f.node("node-" + rnd.nextInt(1000), Map.of(), false);
      f.ips.set(0, "192.0.2." + rnd.nextInt(16));
      String winner = winner(f);
      assertThat(winner).isNotNull();
      String loser = f.nodes.keySet().stream().filter(k -> !k.equals(winner)).findFirst().orElse(null);
      if (loser == null) continue;
      f.nodes.remove(loser);
      assertThat(winner(f)).isEqualTo(winner);
    }
  }

  private static String winner(Fixture f) {
    String found = null;
    for (String node : List.copyOf(f.nodes.keySet())) {
      if (f.me(node).l2().kind() == AnnounceDecision.Kind.ANNOUNCE) {
        assertThat(found).as("two winners").isNull();
        found = node;
      }
    }
    return found;
  }

  @Test
  void selectorListsSelectEverythingWhenEmptyAndOrTheirSelectors() {
    var labels = Map.of("rack", "a", "zone", "x");
    var notIn = new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement("rack", LabelSelector.Operator.NOT_IN, List.of("b"))));
    var exists = new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement("gpu", LabelSelector.Operator.EXISTS, List.of())));
    assertThat(AnnouncePolicy.selects(List.of(), labels)).as("empty list").isTrue();
    assertThat(AnnouncePolicy.selects(List.of(LabelSelector.ofLabels(Map.of("rack", "b")), exists), labels)).isFalse();
    assertThat(AnnouncePolicy.selects(List.of(exists, notIn), labels)).as("one of two").isTrue();
    assertThat(AnnouncePolicy.selects(List.of(notIn), Map.of())).as("NotIn matches a missing key").isTrue();
  }
}
