package io.herald.node.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.node.TestNodes;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with BIRD 2 as the router, in a network namespace the demo creates: BIRD's own table
 * holds one path per announcing node, and the namespace is gone afterwards. Needs root and the
 * bird2 and iproute2 packages; skipped otherwise, with the reason.
 */
class DemoBirdIT {

  @TempDir Path dir;

  @Test
  void birdLearnsEachServiceFromTheNodesThatAnnounceIt() throws Exception {
    Optional<String> unavailable = BirdRouter.unavailable();
    assumeTrue(unavailable.isEmpty(), () -> "BIRD cannot run here: " + unavailable.orElse(""));
    Demo.Options options = new Demo.Options(Path.of("../deploy/examples/metallb-values.yaml"), Demo.RouterChoice.BIRD,
        dir.resolve("demo.kubeconfig"), new InetSocketAddress("127.0.0.1", TestNodes.freePort()), Duration.ofSeconds(1));
    String namespace;
    try (Demo demo = Demo.start(options)) {
      BirdRouter bird = (BirdRouter) demo.router();
      namespace = bird.namespace();
      assertThat(namespace).startsWith("hdemo-");
      assertThat(BirdRouter.run(List.of("ip", "netns", "list"))).contains(namespace);
      assertThat(BirdRouter.run(List.of("ip", "netns", "exec", namespace, "ip", "-4", "route", "show")))
          .as("no route out of the namespace").doesNotContain("default");
      DemoCommandTest.waitFor("every path in BIRD's table", demo::converged);

      // BIRD's own words: each Service's /32 with one path per announcing node, each via that node.
      String shown = bird.showRouteAll();
      Map<String, Set<String>> table = BirdRoutes.parse(shown).stream().collect(Collectors.groupingBy(
          LearnedRoute::prefix, Collectors.mapping(LearnedRoute::nextHop, Collectors.toCollection(TreeSet::new))));
      Map<String, String> sources = demo.nodes().stream()
          .collect(Collectors.toMap(DemoConfig.Node::name, DemoConfig.Node::sourceAddress));
      for (Demo.ServiceState s : demo.services()) {
        String prefix = s.ip().orElseThrow() + "/32";
        Set<String> expected = s.example().externalTrafficPolicy().equals("Local")
            ? s.example().endpointNodes().stream().map(sources::get).collect(Collectors.toSet())
            : Set.copyOf(sources.values());
        assertThat(table.get(prefix)).as("%s in\n%s", prefix, shown).containsExactlyInAnyOrderElementsOf(expected);
        for (String hop : expected) {
          assertThat(shown).containsPattern("via " + hop.replace(".", "\\.") + " on " + namespace);
        }
      }
      assertThat(table.get(demo.services().get(2).ip().orElseThrow() + "/32")).hasSize(2);
      assertThat(table).hasSize(3);
    }
    assertThat(BirdRouter.run(List.of("ip", "netns", "list"))).doesNotContain(namespace);
    assertThat(BirdRouter.run(List.of("ip", "link", "show"))).doesNotContain(namespace);
  }
}
