package io.herald.node.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.ServiceKey;
import io.herald.node.TestNodes;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Prefix;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RoutePlannerTest {
  static final String CONFIG = """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: private}
      spec: {addresses: ["192.0.2.0/26", "2001:db8::/120"]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: public}
      spec: {addresses: ["198.51.100.0/24"], autoAssign: false}
      ---
      apiVersion: metallb.io/v1beta2
      kind: BGPPeer
      metadata: {name: r1}
      spec: {myASN: 64500, peerASN: 64500, peerAddress: 127.0.0.2, peerPort: %d, sourceAddress: 127.0.0.3, routerID: 192.0.2.11}
      ---
      apiVersion: metallb.io/v1beta2
      kind: BGPPeer
      metadata: {name: r2}
      spec:
        myASN: 64500
        peerASN: 64500
        peerAddress: 127.0.0.4
        peerPort: %d
        sourceAddress: 127.0.0.3
        routerID: 192.0.2.11
        nodeSelectors: [{matchLabels: {rack: b}}]
      ---
      apiVersion: metallb.io/v1beta1
      kind: Community
      metadata: {name: aliases}
      spec: {communities: [{name: edge, value: "64500:777"}]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata: {name: private}
      spec: {ipAddressPools: [private], communities: ["64500:100", edge, "large:64500:1:2"], localPref: 200}
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata: {name: public}
      spec: {ipAddressPools: [public], aggregationLength: 24, peers: [r1]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata: {name: tagged}
      spec:
        ipAddressPools: [private]
        communities: ["64500:300"]
        serviceSelectors: [{matchLabels: {tier: gold}}]
        nodeSelectors: [{matchLabels: {rack: a}}]
      """;

  static HeraldConfig config(int port1, int port2) {
    return TestNodes.config(String.format(CONFIG, port1, port2));
  }

  private static final HeraldConfig CFG = config(1179, 1180);
  private static final Map<String, String> RACK_A = Map.of("rack", "a");

  private static BgpPeer peer(String name) {
    return CFG.peers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  private static ServiceAnnouncement svc(String name, String pool, Map<String, String> labels, String... ips) {
    return ServiceAnnouncement.announce(new ServiceKey("default", name), pool,
        List.of(ips).stream().map(IpAddress::of).toList(), labels);
  }

  @Test
  void appliesCommunitiesAliasesLargeCommunitiesAndLocalPref() {
    var routes = RoutePlanner.routesFor(peer("r1"), Map.of(), List.of(svc("web", "private", Map.of(), "192.0.2.5")), CFG, false);
    assertThat(routes).containsOnlyKeys(Prefix.parse("192.0.2.5/32"));
    RouteAttributes ra = routes.get(Prefix.parse("192.0.2.5/32"));
    assertThat(ra.communities()).containsExactly(Community.of(64500, 100), Community.of(64500, 777));
    assertThat(ra.largeCommunities()).containsExactly(new LargeCommunity(64500, 1, 2));
    assertThat(ra.localPref()).isEqualTo(OptionalLong.of(200));
    assertThat(ra.nextHop()).as("next hop self").isEmpty();
  }

  @Test
  void aggregatesAndRestrictsAdvertisementsToTheirPeers() {
    var desired = List.of(svc("a", "public", Map.of(), "198.51.100.7"), svc("b", "public", Map.of(), "198.51.100.9"));
    assertThat(RoutePlanner.routesFor(peer("r1"), Map.of(), desired, CFG, false))
        .containsOnlyKeys(Prefix.parse("198.51.100.0/24"));
    assertThat(RoutePlanner.routesFor(peer("r2"), Map.of(), desired, CFG, false)).isEmpty();
  }

  @Test
  void serviceAndNodeSelectorsChooseAdvertisements() {
    var gold = List.of(svc("g", "private", Map.of("tier", "gold"), "192.0.2.1", "2001:db8::1"));
    var onRackA = RoutePlanner.routesFor(peer("r1"), RACK_A, gold, CFG, false);
    assertThat(onRackA).containsOnlyKeys(Prefix.parse("192.0.2.1/32"), Prefix.parse("2001:db8::1/128"));
    assertThat(onRackA.get(Prefix.parse("192.0.2.1/32")).communities())
        .containsExactly(Community.of(64500, 100), Community.of(64500, 777), Community.of(64500, 300));
    var elsewhere = RoutePlanner.routesFor(peer("r1"), Map.of("rack", "b"), gold, CFG, false);
    assertThat(elsewhere.get(Prefix.parse("192.0.2.1/32")).communities()).doesNotContain(Community.of(64500, 300));
  }

  @Test
  void withdrawnServicesAndUnknownPoolsGiveNoRoutes() {
    var desired = List.of(
        ServiceAnnouncement.withdraw(new ServiceKey("default", "w"), "private", List.of(IpAddress.of("192.0.2.2")),
            Map.of(), "noLocalEndpoints"),
        svc("x", "gone", Map.of(), "192.0.2.3"));
    assertThat(RoutePlanner.routesFor(peer("r1"), Map.of(), desired, CFG, false)).isEmpty();
  }

  @Test
  void gracefulShutdownAddsTheWellKnownCommunityToEveryRoute() {
    var desired = List.of(svc("a", "private", Map.of(), "192.0.2.1"), svc("b", "public", Map.of(), "198.51.100.1"));
    var routes = RoutePlanner.routesFor(peer("r1"), Map.of(), desired, CFG, true);
    assertThat(routes).hasSize(2);
    assertThat(routes.values()).allSatisfy(ra -> assertThat(ra.communities()).contains(Community.GRACEFUL_SHUTDOWN));
  }

  @Test
  void peerNodeSelectorsChooseSessions() {
    assertThat(RoutePlanner.selects(peer("r1"), Map.of())).isTrue();
    assertThat(RoutePlanner.selects(peer("r2"), RACK_A)).isFalse();
    assertThat(RoutePlanner.selects(peer("r2"), Map.of("rack", "b"))).isTrue();
  }
}
