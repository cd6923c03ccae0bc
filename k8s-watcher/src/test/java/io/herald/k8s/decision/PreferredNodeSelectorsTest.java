package io.herald.k8s.decision;

import static io.herald.k8s.decision.Fixture.sel;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.allocator.pool.LabelSelector;
import io.herald.allocator.config.PreferredNodeSelector;
import io.herald.k8s.model.TrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Story tests of {@code preferredNodeSelectors} in the Layer 2 election (MetalLB main,
 * {@code design/preferred-node-l2.md}). The fixture has worker-1 and worker-2 in rack a and
 * worker-3 in rack b; for 192.0.2.10 the hash order alone is worker-2, worker-3, worker-1. Each
 * row changes the advertisements or nodes and names the one node that announces.
 */
class PreferredNodeSelectorsTest {

  private static PreferredNodeSelector prefer(int weight, LabelSelector preference) {
    return new PreferredNodeSelector(weight, preference);
  }

  private static AdvertisementView l2(String name, List<LabelSelector> serviceSelectors,
      List<LabelSelector> nodeSelectors, PreferredNodeSelector... preferred) {
    return new AdvertisementView(name, AnnounceProtocol.LAYER2, List.of(), List.of(), serviceSelectors, nodeSelectors,
        List.of(), List.of(), List.of(preferred));
  }

  /** Replaces the fixture's catch-all L2Advertisement. */
  private static UnaryOperator<Fixture> only(AdvertisementView ad) {
    return f -> { f.ads.set(1, ad); return f; };
  }

  private static Arguments row(String story, UnaryOperator<Fixture> change, String winner) {
    return Arguments.of(story, change, winner);
  }

  static Stream<Arguments> stories() {
    return Stream.of(
        row("no preferences: hash order", f -> f, "worker-2"),
        row("rack b preferred: the only rack-b node wins over the hash",
            only(l2("l2", List.of(), List.of(), prefer(10, sel("rack", "b")))), "worker-3"),
        row("rack a preferred: equal weights, the hash decides between worker-1 and worker-2",
            only(l2("l2", List.of(), List.of(), prefer(50, sel("rack", "a")))), "worker-2"),
        row("a label on the last node in hash order lifts it to first",
            f -> only(l2("l2", List.of(), List.of(), prefer(100, sel("zone", "primary"))))
                .apply(f.node("worker-1", Map.of("rack", "a", "zone", "primary"), false)),
            "worker-1"),
        row("matchExpressions preference (rack NotIn [a])",
            only(l2("l2", List.of(), List.of(), prefer(1, new LabelSelector(Map.of(), List.of(
                new LabelSelector.Requirement("rack", LabelSelector.Operator.NOT_IN, List.of("a"))))))),
            "worker-3"),
        row("weights in one advertisement add up: 50 + 20 beats 60",
            f -> only(l2("l2", List.of(), List.of(),
                    prefer(60, sel("zone", "primary")), prefer(50, sel("gpu", "true")), prefer(20, sel("rack", "b"))))
                .apply(f.node("worker-1", Map.of("rack", "a", "zone", "primary"), false)
                    .node("worker-3", Map.of("rack", "b", "gpu", "true"), false)),
            "worker-3"),
        row("scores add up across the advertisements for the Service: 30 + 10 beats 30",
            f -> {
              f.node("worker-1", Map.of("rack", "a", "zone", "primary"), false);
              f.ads.set(1, l2("l2-rack", List.of(), List.of(), prefer(30, sel("rack", "a"))));
              f.ads.add(l2("l2-zone", List.of(), List.of(), prefer(10, sel("zone", "primary"))));
              return f;
            },
            "worker-1"),
        row("an advertisement scores only the nodes its nodeSelectors make eligible",
            f -> {
              f.node("worker-1", Map.of("rack", "a", "zone", "primary"), false);
              f.ads.add(l2("l2-rack-b", List.of(), List.of(sel("rack", "b")), prefer(100, sel("zone", "primary"))));
              return f;
            },
            "worker-2"),
        row("an empty preference lifts every node the advertisement selects",
            f -> { f.ads.add(l2("l2-rack-b", List.of(), List.of(sel("rack", "b")), prefer(1, LabelSelector.EVERYTHING))); return f; },
            "worker-3"),
        row("an advertisement whose serviceSelectors miss the Service adds nothing",
            f -> { f.ads.add(l2("l2-db", List.of(sel("app", "db")), List.of(), prefer(100, sel("rack", "b")))); return f; },
            "worker-2"),
        row("an advertisement whose serviceSelectors match the Service counts",
            f -> { f.ads.add(l2("l2-web", List.of(sel("app", "web")), List.of(), prefer(100, sel("rack", "b")))); return f; },
            "worker-3"),
        row("a BGPAdvertisement never weighs in the Layer 2 election",
            f -> { f.ads.set(0, new AdvertisementView("bgp", AnnounceProtocol.BGP, List.of(), List.of(), List.of(), List.of(),
                       List.of(), List.of(), List.of(prefer(100, sel("rack", "b"))))); return f; },
            "worker-2"),
        row("the preferred node without a live speaker: the next by score, then hash",
            f -> { f.nodes.remove("worker-3"); return only(l2("l2", List.of(), List.of(), prefer(100, sel("rack", "b")))).apply(f); },
            "worker-2"),
        row("the preferred node with NetworkUnavailable: failover to the others",
            f -> only(l2("l2", List.of(), List.of(), prefer(100, sel("rack", "b"))))
                .apply(f.node("worker-3", Map.of("rack", "b"), true)),
            "worker-2"),
        row("ETP Local: a preferred node without a local endpoint is no candidate",
            f -> {
              f.etp = TrafficPolicy.LOCAL;
              f.endpoints = List.of(Fixture.ready("worker-1"), Fixture.ready("worker-2"));
              return only(l2("l2", List.of(), List.of(), prefer(100, sel("rack", "b")))).apply(f);
            },
            "worker-2"),
        row("a preference outside the hard nodeSelectors cannot make a node eligible",
            only(l2("l2", List.of(), List.of(sel("rack", "a")), prefer(100, sel("rack", "b")))), "worker-2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stories")
  void exactlyTheExpectedNodeAnnounces(String story, UnaryOperator<Fixture> change, String winner) {
    Fixture f = new Fixture().with(change);
    for (String node : List.copyOf(f.nodes.keySet())) {
      AnnounceDecision d = f.me(node).l2();
      if (node.equals(winner)) {
        assertThat(d.kind()).as("%s announces", node).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);
      } else {
        assertThat(d.kind()).as("%s stays silent", node).isEqualTo(AnnounceDecision.Kind.WITHDRAW);
      }
    }
  }
}
