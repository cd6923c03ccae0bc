package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routers in two namespaces joined by a veth pair ({@link NetNs#pair()}): FRR and GoBGP as
 * receivers (they reject 127/8 next hops, so not on loopback), TCP MD5, kernel export, a silent
 * peer detected by the hold timer, and our own Java code running inside a namespace.
 */
class NamespaceIT {
  static final Duration UP = Duration.ofSeconds(30);
  static final String LEFT = NetNs.Pair.LEFT_V4;
  static final String RIGHT = NetNs.Pair.RIGHT_V4;
  static final String LEFT6 = NetNs.Pair.LEFT_V6;
  static final String RIGHT6 = NetNs.Pair.RIGHT_V6;

  @BeforeEach
  void requirements() {
    Tools.assumeNetns();
  }

  @Test
  void frrReceivesFromBirdOnBothFamiliesAndProgramsItsFib() {
    Tools.assumeBird();
    Tools.assumeFrr();
    try (NetNs.Pair lab = NetNs.pair();
        FrrPeer frr = FrrPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(65002).peerAsn(65001)
            .neighbor(LEFT, LEFT6).passive().kernelExport(true).build());
        BirdPeer bird = BirdPeer.start(PeerConfig.builder().netns(lab.left()).localAsn(65001).peerAsn(65002)
            .neighbor(RIGHT, RIGHT6)
            .announce(Announcement.of("203.0.113.0/24").withCommunities("65001:10", "65001:20")
                .withLargeCommunities("65001:1:1").withOrigin(ReceivedRoute.Origin.INCOMPLETE))
            .announce("2001:db8:ffff::/48")
            .build())) {
      frr.awaitEstablished(LEFT, UP);
      frr.awaitEstablished(LEFT6, UP);
      assertThat(bird.state(RIGHT)).isEqualTo(SessionState.ESTABLISHED);

      ReceivedRoute v4 = frr.awaitRoutes(LEFT, l -> !l.isEmpty(), UP).get(0);
      assertThat(v4.prefix()).isEqualTo("203.0.113.0/24");
      assertThat(v4.nextHop()).isEqualTo(LEFT);
      assertThat(v4.asPath()).containsExactly(65001L);
      assertThat(v4.communities()).containsExactly("65001:10", "65001:20");
      assertThat(v4.largeCommunities()).containsExactly("65001:1:1");
      assertThat(v4.origin()).isEqualTo(ReceivedRoute.Origin.INCOMPLETE);
      assertThat(frr.routeCount(LEFT)).isEqualTo(1);

      ReceivedRoute v6 = frr.awaitRoutes(LEFT6, l -> !l.isEmpty(), UP).get(0);
      assertThat(v6.prefix()).isEqualTo("2001:db8:ffff::/48");
      assertThat(v6.isIpv6()).isTrue();
      assertThat(v6.nextHop()).isEqualTo(LEFT6);

      // zebra installed the route in the right namespace's FIB, never in the root namespace's
      Await.until("203.0.113.0/24 in the FIB of " + lab.right(), UP,
          () -> lab.right().exec("ip", "route", "show", "203.0.113.0/24").stdout().contains("via " + LEFT));
      assertThat(Exec.run("ip", "route", "show", "203.0.113.0/24").stdout()).isBlank();

      frr.vtysh("clear bgp " + LEFT + " soft in");
      assertThat(frr.state(LEFT)).isEqualTo(SessionState.ESTABLISHED);
    }
  }

  @Test
  void md5SessionBetweenBirdAndFrr() {
    Tools.assumeBird();
    Tools.assumeFrr();
    try (NetNs.Pair lab = NetNs.pair();
        FrrPeer frr = FrrPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(65002).peerAsn(65001)
            .neighbor(LEFT).md5("h3rald-md5").announce(Announcement.of("198.51.100.0/24").withMed(9)).build());
        BirdPeer bird = BirdPeer.start(PeerConfig.builder().netns(lab.left()).localAsn(65001).peerAsn(65002)
            .neighbor(RIGHT).md5("h3rald-md5").passive().build())) {
      bird.awaitEstablished(RIGHT, UP);
      assertThat(frr.state(LEFT)).isEqualTo(SessionState.ESTABLISHED);
      List<ReceivedRoute> routes = bird.awaitRoutes(RIGHT, l -> !l.isEmpty(), UP);
      assertThat(routes).singleElement().satisfies(r -> {
        assertThat(r.prefix()).isEqualTo("198.51.100.0/24");
        assertThat(r.med()).isEqualTo(9L);
        assertThat(r.asPath()).containsExactly(65002L);
      });
      // the established connection carries an RFC 2385 signature option: the kernel reports md5
      Exec.Result ss = lab.left().exec("ss", "-tni", "state", "established");
      assertThat(ss.stdout()).contains("md5");
    }
  }

  @Test
  void silentPeerIsDetectedByTheHoldTimer() {
    Tools.assumeBird();
    Tools.assumeGobgp();
    Tools.assumeNft();
    try (NetNs.Pair lab = NetNs.pair();
        GobgpPeer gobgp = GobgpPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(65002).peerAsn(65001)
            .neighbor(LEFT, LEFT6).passive().holdTime(3).build());
        BirdPeer bird = BirdPeer.start(PeerConfig.builder().netns(lab.left()).localAsn(65001).peerAsn(65002)
            .neighbor(RIGHT, RIGHT6).holdTime(3)
            .announce(Announcement.of("203.0.113.64/26").withCommunities("65001:3").withLargeCommunities("65001:4:5"))
            .announce("2001:db8:aaaa::/48")
            .build())) {
      bird.awaitEstablished(RIGHT, UP);
      ReceivedRoute v4 = gobgp.awaitRoutes(LEFT, l -> !l.isEmpty(), UP).get(0);
      assertThat(v4.prefix()).isEqualTo("203.0.113.64/26");
      assertThat(v4.nextHop()).isEqualTo(LEFT);
      assertThat(v4.asPath()).containsExactly(65001L);
      assertThat(v4.communities()).containsExactly("65001:3");
      assertThat(v4.largeCommunities()).containsExactly("65001:4:5");
      ReceivedRoute v6 = gobgp.awaitRoutes(LEFT6, l -> !l.isEmpty(), UP).get(0);
      assertThat(v6.prefix()).isEqualTo("2001:db8:aaaa::/48");
      assertThat(v6.nextHop()).isEqualTo(LEFT6);
      assertThat(gobgp.routeCount(LEFT)).isEqualTo(1);

      lab.right().dropAll();
      bird.awaitState(RIGHT, s -> !s.isEstablished(), Duration.ofSeconds(15));
      assertThat(bird.lastError(RIGHT)).hasValueSatisfying(e -> assertThat(e).contains("Hold timer expired"));
      assertThat(bird.routeCount(RIGHT)).isZero();

      lab.right().restore();
      bird.awaitEstablished(RIGHT, UP);
    }
  }

  @Test
  void javaMainRunsInsideANamespace() throws Exception {
    try (NetNs.Pair lab = NetNs.pair()) {
      ChildProcess listener = JavaInNetns.start(lab.right(), NetnsProbeMain.class, "listen", RIGHT, "1790");
      listener.awaitLine(l -> l.startsWith("listening"), UP);
      ChildProcess client = JavaInNetns.start(lab.left(), NetnsProbeMain.class, "connect", RIGHT, "1790");
      assertThat(client.awaitLine(l -> l.startsWith("connected"), UP)).isEqualTo("connected from " + LEFT);
      assertThat(listener.awaitLine(l -> l.startsWith("accepted"), UP)).isEqualTo("accepted from " + LEFT);

      client.stop();
      assertThat(ProcessHandle.of(client.pid())).isEmpty();
      assertThat(lab.left().pids()).doesNotContain(client.pid());
    }
  }
}
