package io.herald.node.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.ServiceKey;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.types.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PeerRoutesTest {
  private static final HeraldConfig CFG = RoutePlannerTest.config(1179, 1180);
  private static final BgpPeer R1 = CFG.peers().stream().filter(p -> p.name().equals("r1")).findFirst().orElseThrow();
  private static final Prefix PUBLIC_24 = Prefix.parse("198.51.100.0/24");

  private static ServiceAnnouncement svc(String name, String pool, Map<String, String> labels, String... ips) {
    return ServiceAnnouncement.announce(new ServiceKey("default", name), pool,
        List.of(ips).stream().map(IpAddress::of).toList(), labels);
  }

  @Test
  void anAggregateStaysWhileAnyServiceYieldsItAndGoesWithTheLast() {
    PeerRoutes routes = new PeerRoutes(R1, Map.of(), CFG, false);
    var a = svc("a", "public", Map.of(), "198.51.100.7");
    var b = svc("b", "public", Map.of(), "198.51.100.9");
    assertThat(routes.replace(null, a)).isTrue();
    assertThat(routes.replace(null, b)).as("same /24: the route is unchanged").isFalse();
    assertThat(routes.routes()).containsOnlyKeys(PUBLIC_24);
    assertThat(routes.replace(a, null)).as("b still yields the /24").isFalse();
    assertThat(routes.routes()).containsOnlyKeys(PUBLIC_24);
    assertThat(routes.replace(b, null)).isTrue();
    assertThat(routes.routes()).isEmpty();
  }

  @Test
  void aPrefixCarriesEveryAdvertisementThatYieldsItAndLosesOneWhenItsServiceChanges() {
    PeerRoutes routes = new PeerRoutes(R1, Map.of("rack", "a"), CFG, false);
    var plain = svc("web", "private", Map.of(), "192.0.2.5");
    var gold = svc("web", "private", Map.of("tier", "gold"), "192.0.2.5");
    routes.replace(null, plain);
    Prefix p = Prefix.parse("192.0.2.5/32");
    assertThat(routes.routes().get(p).communities()).containsExactly(Community.of(64500, 100), Community.of(64500, 777));
    assertThat(routes.replace(plain, gold)).as("the tagged advertisement now selects it").isTrue();
    assertThat(routes.routes().get(p).communities())
        .containsExactly(Community.of(64500, 100), Community.of(64500, 777), Community.of(64500, 300));
    assertThat(routes.replace(gold, ServiceAnnouncement.withdraw(gold.service(), "private", gold.ips(), Map.of(),
        "noLocalEndpoints"))).isTrue();
    assertThat(routes.routes()).isEmpty();
  }

  @Test
  void theSameSetIsOneInstanceUntilItChanges() {
    PeerRoutes routes = new PeerRoutes(R1, Map.of(), CFG, false);
    routes.replace(null, svc("web", "private", Map.of(), "192.0.2.5"));
    var first = routes.routes();
    assertThat(routes.replace(null, null)).isFalse();
    assertThat(routes.routes()).isSameAs(first);
    routes.replace(null, svc("db", "private", Map.of(), "192.0.2.6"));
    assertThat(routes.routes()).isNotSameAs(first).hasSize(2);
  }

  /** Any sequence of changes ends where planning the final set whole ends, graceful shutdown or not. */
  @Test
  void changesOneAtATimeEndWhereTheWholeSetEnds() {
    Random random = new Random(7);
    String[] pools = {"private", "public", "nosuchpool"};
    List<Map<String, String>> labelSets = List.of(Map.of(), Map.of("tier", "gold"), Map.of("tier", "silver"));
    for (boolean gracefulShutdown : new boolean[] {false, true}) {
      for (Map<String, String> nodeLabels : List.of(Map.<String, String>of(), Map.of("rack", "a"))) {
        PeerRoutes routes = new PeerRoutes(R1, nodeLabels, CFG, gracefulShutdown);
        Map<ServiceKey, ServiceAnnouncement> desired = new TreeMap<>();
        for (int step = 0; step < 3000; step++) {
          ServiceKey key = new ServiceKey("ns", "svc-" + random.nextInt(40));
          ServiceAnnouncement next = null;
          if (random.nextInt(5) > 0) {
            String pool = pools[random.nextInt(pools.length)];
            List<IpAddress> ips = new ArrayList<>();
            for (int i = random.nextInt(3); i >= 0; i--) {
              ips.add(IpAddress.of(pool.equals("public") ? "198.51.100." + random.nextInt(8)
                  : random.nextBoolean() ? "192.0.2." + random.nextInt(8) : "2001:db8::" + random.nextInt(8)));
            }
            next = random.nextInt(4) == 0
                ? ServiceAnnouncement.withdraw(key, pool, ips, Map.of(), "noLocalEndpoints")
                : new ServiceAnnouncement(key, pool, ips, labelSets.get(random.nextInt(labelSets.size())), true, "");
          }
          ServiceAnnouncement before = next == null ? desired.remove(key) : desired.put(key, next);
          var was = routes.routes();
          boolean changed = routes.replace(before, next);
          var whole = RoutePlanner.routesFor(R1, nodeLabels, desired.values(), CFG, gracefulShutdown);
          assertThat(routes.routes()).as("step %d", step).isEqualTo(whole);
          assertThat(changed).as("step %d reports a change exactly when the set changed", step)
              .isEqualTo(!was.equals(whole));
        }
        assertThat(desired).as("the walk visited announced Services").isNotEmpty();
      }
    }
  }
}
