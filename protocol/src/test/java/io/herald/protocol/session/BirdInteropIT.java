package io.herald.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.interop.Await;
import io.herald.protocol.interop.BirdPeer;
import io.herald.protocol.interop.Loopback;
import io.herald.protocol.interop.PeerConfig;
import io.herald.protocol.interop.ReceivedRoute;
import io.herald.protocol.interop.Tools;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Herald's speaker against a real BIRD 2 on loopback (BIRD in the root namespace, no FIB). */
class BirdInteropIT {
  private static final Duration UP = Duration.ofSeconds(30);

  @BeforeAll
  static void needBird() {
    Tools.assumeBird();
  }

  private static Map<Prefix, RouteAttributes> hosts(String first, int n, RouteAttributes a) {
    Map<Prefix, RouteAttributes> m = new LinkedHashMap<>();
    long base = Prefix.parse(first).octet(0) * 0x1000000L + Prefix.parse(first).octet(1) * 0x10000L
        + Prefix.parse(first).octet(2) * 0x100L + Prefix.parse(first).octet(3);
    for (int i = 0; i < n; i++) {
      m.put(Prefix.host(IpLiterals.ipv4((int) (base + i))), a);
    }
    return m;
  }

  private record Lab(BirdPeer bird, HeraldSpeaker herald, String heraldAddress) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (bird) {
        herald.close();
      }
    }
  }

  /** BIRD passive on one loopback address, Herald connecting from another. */
  private static Lab lab(long heraldAs, long birdAs, String password, Map<Prefix, RouteAttributes> routes,
      java.util.function.Consumer<HeraldSpeaker.Settings> tweak) {
    List<String> addrs = Loopback.addresses(2);
    String birdAddr = addrs.get(0);
    String heraldAddr = addrs.get(1);
    int port = Loopback.freePort(birdAddr);
    PeerConfig.Builder b = PeerConfig.builder().localAsn(birdAs).peerAsn(heraldAs).neighbor(heraldAddr)
        .localAddress(birdAddr).listenPort(port).passive().holdTime(9)
        .families(PeerConfig.Family.IPV4_UNICAST, PeerConfig.Family.IPV6_UNICAST);
    if (password != null) {
      b.md5(password);
    }
    BirdPeer bird = BirdPeer.start(b.build());
    HeraldSpeaker.Settings s = new HeraldSpeaker.Settings();
    s.local = heraldAddr;
    s.peer = birdAddr;
    s.peerPort = port;
    s.localAs = heraldAs;
    s.peerAs = birdAs;
    s.password = password;
    s.ttl = heraldAs == birdAs ? null : 2; // loopback eBGP is multihop for BIRD
    tweak.accept(s);
    try {
      return new Lab(bird, HeraldSpeaker.start(s, routes), heraldAddr);
    } catch (RuntimeException e) {
      bird.close();
      throw e;
    }
  }

  @Test
  void ebgpFourOctetAsAnnouncesBothFamiliesWithCommunitiesThenWithdrawsTheDifference() throws Exception {
    RouteAttributes v4 = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.empty(),
        OptionalLong.of(20), List.of(Community.parse("64500:100"), Community.NO_EXPORT),
        List.of(LargeCommunity.parse("4200000001:7:8")));
    RouteAttributes v6 = new RouteAttributes(Optional.of(IpLiterals.parse("2001:db8::11")), OptionalLong.empty(),
        OptionalLong.empty(), List.of(Community.parse("64500:600")), List.of());
    Map<Prefix, RouteAttributes> routes = new LinkedHashMap<>(hosts("203.0.113.0", 50, v4));
    routes.put(Prefix.parse("2001:db8:ffff::10/128"), v6);
    try (Lab lab = lab(4_200_000_001L, 64500, null, routes, s -> {})) {
      String n = lab.heraldAddress();
      lab.bird().awaitEstablished(n, UP);
      List<ReceivedRoute> got = lab.bird().awaitRoutes(n, r -> r.size() == 51, UP);
      ReceivedRoute r = got.stream().filter(x -> x.prefix().equals("203.0.113.7/32")).findFirst().orElseThrow();
      assertThat(r.nextHop()).isEqualTo("192.0.2.11");
      assertThat(r.asPath()).containsExactly(4_200_000_001L);
      assertThat(r.communities()).containsExactlyInAnyOrder("64500:100", "65535:65281");
      assertThat(r.largeCommunities()).containsExactly("4200000001:7:8");
      assertThat(r.origin()).isEqualTo(ReceivedRoute.Origin.IGP);
      ReceivedRoute r6 = got.stream().filter(ReceivedRoute::isIpv6).findFirst().orElseThrow();
      assertThat(r6.prefix()).isEqualTo("2001:db8:ffff::10/128");
      assertThat(r6.nextHop()).isEqualTo("2001:db8::11");
      assertThat(r6.communities()).containsExactly("64500:600");

      // Withdraw 30 IPv4 routes and the IPv6 one by giving the new complete set.
      lab.herald().peer.setRoutes(hosts("203.0.113.0", 20, v4));
      List<ReceivedRoute> after = lab.bird().awaitRoutes(n, x -> x.size() == 20, UP);
      assertThat(after.stream().map(ReceivedRoute::prefix).collect(Collectors.toSet()))
          .isEqualTo(hosts("203.0.113.0", 20, v4).keySet().stream().map(Prefix::toString).collect(Collectors.toSet()));
      assertThat(lab.herald().establishedCount()).as("a route change never resets the session").isEqualTo(1);
      assertThat(lab.herald().established.get(0).fourOctetAs()).isTrue();
    }
  }

  @Test
  void ibgpTwoOctetAsCarriesLocalPrefAndAnEmptyAsPath() throws Exception {
    RouteAttributes a = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.of(250),
        OptionalLong.empty(), List.of(), List.of());
    try (Lab lab = lab(64500, 64500, null, hosts("198.51.100.10", 3, a), s -> {})) {
      String n = lab.heraldAddress();
      List<ReceivedRoute> got = lab.bird().awaitRoutes(n, r -> r.size() == 3, UP);
      assertThat(got).allSatisfy(r -> {
        assertThat(r.localPref()).isEqualTo(250L);
        assertThat(r.asPath()).isEmpty();
      });
    }
  }

  @Test
  void md5SignedSessionEstablishesAndAWrongPasswordNeverDoes() throws Exception {
    RouteAttributes a = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.empty(),
        OptionalLong.empty(), List.of(), List.of());
    try (Lab lab = lab(64512, 64500, "s3cr3t-key", hosts("198.51.100.20", 1, a), s -> {})) {
      lab.bird().awaitRoutes(lab.heraldAddress(), r -> r.size() == 1, UP);
    }
    try (Lab lab = lab(64512, 64500, "s3cr3t-key", hosts("198.51.100.20", 1, a), s -> s.password = "wrong-key")) {
      // The kernel drops unsigned/mis-signed segments (RFC 2385 §2.0): no TCP session, so no BGP.
      Thread.sleep(6000);
      assertThat(lab.herald().everEstablished()).isFalse();
      assertThat(lab.bird().isEstablished(lab.heraldAddress())).isFalse();
    }
  }

  @Test
  void aPeerAsMismatchIsRefusedWithBadPeerAs() throws Exception {
    // BIRD expects AS 64512 from us; we claim 64513. BIRD must answer OPEN with 2/2.
    try (Lab lab = lab(64512, 64500, null, Map.of(), s -> s.localAs = 64513)) {
      Await.until("Herald told of 2/2", UP, () -> lab.herald().anyState(st -> st.contains("2/2")));
      assertThat(lab.herald().everEstablished()).isFalse();
    }
    // We expect AS 64501 from BIRD, which is 64500: we send 2/2 and BIRD logs it.
    try (Lab lab = lab(64512, 64500, null, Map.of(), s -> s.peerAs = 64501)) {
      Await.until("BIRD told of bad peer AS", UP, () -> lab.bird().lastError(lab.heraldAddress())
          .filter(e -> e.contains("Bad peer AS")).isPresent());
      assertThat(lab.herald().everEstablished()).isFalse();
    }
  }

  @Test
  void shutdownSendsAdministrativeShutdownWithItsText() throws Exception {
    try (Lab lab = lab(64512, 64500, null, hosts("198.51.100.30", 1, RouteAttributes.DEFAULT
        .withCommunity(Community.GRACEFUL_SHUTDOWN)), s -> {})) {
      String n = lab.heraldAddress();
      lab.bird().awaitRoutes(n, r -> r.size() == 1, UP);
      lab.herald().peer.shutdown("node draining for maintenance").get(5, java.util.concurrent.TimeUnit.SECONDS);
      Await.until("BIRD saw the Cease", UP, () -> lab.bird().lastError(n)
          .filter(e -> e.contains("Administrative shutdown")).isPresent());
      assertThat(lab.bird().birdc("show protocols all " + BirdPeer.protocolName(n)))
          .contains("node draining for maintenance");
      assertThat(lab.bird().routeCount(n)).isZero();
    }
  }

  @Test
  void gracefulRestartKeepsOurRoutesThroughASpeakerCrashUntilEndOfRib() throws Exception {
    RouteAttributes a = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.empty(),
        OptionalLong.empty(), List.of(), List.of());
    try (Lab lab = lab(64512, 64500, null, hosts("198.51.100.100", 10, a), s -> {})) {
      String n = lab.heraldAddress();
      lab.bird().awaitRouteCount(n, 10, UP);
      // TCP closes without a NOTIFICATION: BIRD, as receiving speaker, keeps the routes as stale
      // for the restart time we advertised (RFC 4724 §4.2).
      lab.herald().crash();
      Await.until("BIRD saw the connection go", UP, () -> !lab.bird().isEstablished(n));
      assertThat(lab.bird().routes(n)).hasSize(10);
      // The restarted speaker (R bit set) announces only 8 of them; after its End-of-RIB the two
      // it no longer announces are gone and the other 8 stayed throughout.
      HeraldSpeaker.Settings s = new HeraldSpeaker.Settings();
      s.local = n;
      s.peer = lab.bird().config().localAddress();
      s.peerPort = lab.bird().config().listenPort();
      s.ttl = 2;
      s.restarting = true;
      try (HeraldSpeaker again = HeraldSpeaker.start(s, hosts("198.51.100.100", 8, a))) {
        lab.bird().awaitEstablished(n, UP);
        List<ReceivedRoute> after = lab.bird().awaitRoutes(n, r -> r.size() == 8, UP);
        assertThat(after).extracting(ReceivedRoute::prefix).doesNotContain("198.51.100.108/32", "198.51.100.109/32");
      }
    }
  }

  @Test
  void aRouterRestartGetsTheWholeTableAgain() throws Exception {
    RouteAttributes a = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.empty(),
        OptionalLong.empty(), List.of(), List.of());
    try (Lab lab = lab(64512, 64500, null, hosts("198.51.100.0", 200, a), s -> {})) {
      String n = lab.heraldAddress();
      lab.bird().awaitRouteCount(n, 200, UP);
      lab.bird().disable(n);
      Await.until("session down", UP, () -> lab.herald().anyState(st -> st.contains("notification-received")));
      lab.bird().enable(n);
      lab.bird().awaitRouteCount(n, 200, UP);
      assertThat(lab.herald().establishedCount()).isEqualTo(2);
      assertThat(Set.copyOf(lab.herald().tables)).contains("200/0");
    }
  }
}
