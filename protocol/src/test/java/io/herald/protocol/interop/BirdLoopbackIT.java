package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BIRD as the receiver on loopback, with ExaBGP and GoBGP as senders: proves that the harness
 * starts the daemons side by side on 127.x addresses and that it reads every attribute back.
 * BIRD accepts 127/8 next hops (as unreachable routes, still imported); FRR and GoBGP would not.
 */
class BirdLoopbackIT {
  static final Duration UP = Duration.ofSeconds(30);

  @BeforeEach
  void requirements() {
    Tools.assumeRoot();
    Tools.assumeBird();
  }

  @Test
  void birdReceivesAttributesFromExabgpOverIbgp() {
    Tools.assumeExabgp();
    List<String> addr = Loopback.addresses(2);
    String birdAddr = addr.get(0);
    String exaAddr = addr.get(1);
    int port = Loopback.freePort(birdAddr, exaAddr);
    PeerConfig birdConfig = PeerConfig.builder().localAsn(65000).peerAsn(65000).localAddress(birdAddr)
        .neighbor(exaAddr).listenPort(port).passive().build();
    PeerConfig exaConfig = PeerConfig.builder().localAsn(65000).peerAsn(65000).localAddress(exaAddr)
        .neighbor(birdAddr).peerPort(port)
        .announce(Announcement.of("203.0.113.0/24").withLocalPref(200).withMed(5)
            .withCommunities("65000:1", "65000:2").withLargeCommunities("4200000000:1:2")
            .withOrigin(ReceivedRoute.Origin.EGP))
        .announce("198.51.100.0/25")
        .build();
    try (BirdPeer bird = BirdPeer.start(birdConfig); ExabgpPeer exa = ExabgpPeer.start(exaConfig)) {
      bird.awaitEstablished(exaAddr, UP);
      List<ReceivedRoute> routes = bird.awaitRoutes(exaAddr, r -> r.size() == 2, UP);

      ReceivedRoute r = routes.stream().filter(x -> x.prefix().equals("203.0.113.0/24")).findFirst().orElseThrow();
      assertThat(r.localPref()).isEqualTo(200L);
      assertThat(r.med()).isEqualTo(5L);
      assertThat(r.communities()).containsExactly("65000:1", "65000:2");
      assertThat(r.largeCommunities()).containsExactly("4200000000:1:2");
      assertThat(r.origin()).isEqualTo(ReceivedRoute.Origin.EGP);
      assertThat(r.asPath()).isEmpty();   // iBGP: nobody prepends
      assertThat(r.nextHop()).isEqualTo(exaAddr);
      assertThat(bird.routeCount(exaAddr)).isEqualTo(2);

      exa.withdraw("198.51.100.0/25");
      bird.awaitRouteCount(exaAddr, 1, UP);
    }
  }

  @Test
  void exabgpReceivesFromBirdAndSeesItsCease() {
    Tools.assumeExabgp();
    List<String> addr = Loopback.addresses(2);
    String birdAddr = addr.get(0);
    String exaAddr = addr.get(1);
    int port = Loopback.freePort(birdAddr, exaAddr);
    PeerConfig birdConfig = PeerConfig.builder().localAsn(4200000001L).peerAsn(65010).localAddress(birdAddr)
        .neighbor(exaAddr).listenPort(port).passive()
        .announce(Announcement.of("203.0.113.128/25").withCommunities("65535:666"))
        .build();
    PeerConfig exaConfig = PeerConfig.builder().localAsn(65010).peerAsn(4200000001L).localAddress(exaAddr)
        .neighbor(birdAddr).peerPort(port).build();
    try (BirdPeer bird = BirdPeer.start(birdConfig); ExabgpPeer exa = ExabgpPeer.start(exaConfig)) {
      exa.awaitEstablished(birdAddr, UP);
      List<ReceivedRoute> routes = exa.awaitRoutes(birdAddr, r -> !r.isEmpty(), UP);
      assertThat(routes).singleElement().satisfies(r -> {
        assertThat(r.prefix()).isEqualTo("203.0.113.128/25");
        assertThat(r.asPath()).containsExactly(4200000001L);   // 4-octet ASN on an AS4 session
        assertThat(r.communities()).containsExactly("65535:666");
        assertThat(r.nextHop()).isEqualTo(birdAddr);
      });

      bird.disable(exaAddr);
      exa.awaitState(birdAddr, s -> !s.isEstablished(), UP);
      // RFC 4486: administrative shutdown is Cease (6) subcode 2
      assertThat(exa.notifications(birdAddr)).anySatisfy(n -> {
        assertThat(n.code()).isEqualTo(6);
        assertThat(n.subcode()).isEqualTo(2);
      });
      assertThat(exa.routes(birdAddr)).isEmpty();
    }
  }

  @Test
  void birdReceivesFromGobgpWithFourOctetAsn() {
    Tools.assumeGobgp();
    List<String> addr = Loopback.addresses(2);
    String birdAddr = addr.get(0);
    String gobgpAddr = addr.get(1);
    int port = Loopback.freePort(birdAddr, gobgpAddr);
    // BIRD connects: GoBGP's own first connect would wait 5-10 s
    PeerConfig birdConfig = PeerConfig.builder().localAsn(65000).peerAsn(4200000002L).localAddress(birdAddr)
        .neighbor(gobgpAddr).listenPort(port).peerPort(port).build();
    PeerConfig gobgpConfig = PeerConfig.builder().localAsn(4200000002L).peerAsn(65000).localAddress(gobgpAddr)
        .neighbor(birdAddr).listenPort(port).passive()
        .announce(Announcement.of("203.0.113.0/24").withCommunities("64512:100")
            .withLargeCommunities("4200000002:7:8").withMed(42))
        .build();
    try (GobgpPeer gobgp = GobgpPeer.start(gobgpConfig); BirdPeer bird = BirdPeer.start(birdConfig)) {
      bird.awaitEstablished(gobgpAddr, UP);
      gobgp.awaitEstablished(birdAddr, UP);
      ReceivedRoute r = bird.awaitRoutes(gobgpAddr, l -> !l.isEmpty(), UP).get(0);
      assertThat(r.prefix()).isEqualTo("203.0.113.0/24");
      assertThat(r.asPath()).containsExactly(4200000002L);
      assertThat(r.communities()).containsExactly("64512:100");
      assertThat(r.largeCommunities()).containsExactly("4200000002:7:8");
      assertThat(r.med()).isEqualTo(42L);
      assertThat(r.origin()).isEqualTo(ReceivedRoute.Origin.IGP);

      gobgp.withdraw("203.0.113.0/24");
      bird.awaitRouteCount(gobgpAddr, 0, UP);
    }
  }

  @Test
  void birdReceivesFromFrrRunningWithoutZebra() {
    Tools.assumeFrr();
    List<String> addr = Loopback.addresses(2);
    String birdAddr = addr.get(0);
    String frrAddr = addr.get(1);
    int port = Loopback.freePort(birdAddr, frrAddr);
    PeerConfig birdConfig = PeerConfig.builder().localAsn(65000).peerAsn(65000).localAddress(birdAddr)
        .neighbor(frrAddr).listenPort(port).passive().build();
    PeerConfig frrConfig = PeerConfig.builder().localAsn(65000).peerAsn(65000).localAddress(frrAddr)
        .neighbor(birdAddr).listenPort(port).peerPort(port)
        .announce(Announcement.of("203.0.113.0/24").withLocalPref(300).withMed(11).withCommunities("65000:300")
            .withLargeCommunities("65000:3:0"))
        .build();
    try (BirdPeer bird = BirdPeer.start(birdConfig); FrrPeer frr = FrrPeer.start(frrConfig)) {
      frr.awaitEstablished(birdAddr, UP);
      ReceivedRoute r = bird.awaitRoutes(frrAddr, l -> !l.isEmpty(), UP).get(0);
      assertThat(r).isEqualTo(new ReceivedRoute("203.0.113.0/24", frrAddr, List.of(), 300L, 11L,
          List.of("65000:300"), List.of("65000:3:0"), ReceivedRoute.Origin.IGP));
      assertThat(frr.pids()).hasSize(1);   // bgpd alone: no zebra on loopback
    }
  }

  /**
   * ExaBGP sends a LARGE_COMMUNITIES attribute of 8 octets, not a multiple of 12 (RFC 8092 §5):
   * BIRD treats the UPDATE as a withdraw (RFC 7606 §2) and keeps the session.
   */
  @Test
  void exabgpSendsAMalformedAttributeThatBirdTreatsAsWithdraw() {
    Tools.assumeExabgp();
    List<String> addr = Loopback.addresses(2);
    String birdAddr = addr.get(0);
    String exaAddr = addr.get(1);
    int port = Loopback.freePort(birdAddr, exaAddr);
    PeerConfig birdConfig = PeerConfig.builder().localAsn(65000).peerAsn(65000).localAddress(birdAddr)
        .neighbor(exaAddr).listenPort(port).passive().build();
    PeerConfig exaConfig = PeerConfig.builder().localAsn(65000).peerAsn(65000).localAddress(exaAddr)
        .neighbor(birdAddr).peerPort(port).announce("203.0.113.0/24").build();
    try (BirdPeer bird = BirdPeer.start(birdConfig); ExabgpPeer exa = ExabgpPeer.start(exaConfig)) {
      bird.awaitRouteCount(exaAddr, 1, UP);

      exa.announce(Announcement.of("198.51.100.0/25").withRawAttribute(32, 0xc0, "0000fde800000001"));
      exa.announce(Announcement.of("198.51.100.128/25").withLargeCommunities("65000:1:2"));

      // UPDATEs are handled in order: once the well-formed one is in, the malformed one was seen
      List<ReceivedRoute> routes = bird.awaitRoutes(exaAddr,
          l -> l.stream().anyMatch(r -> r.prefix().equals("198.51.100.128/25")), UP);
      assertThat(routes).extracting(ReceivedRoute::prefix)
          .containsExactlyInAnyOrder("203.0.113.0/24", "198.51.100.128/25");
      assertThat(bird.state(exaAddr)).isEqualTo(SessionState.ESTABLISHED);
      assertThat(exa.notifications(birdAddr)).isEmpty();
      Await.until("BIRD to log the malformed attribute", UP,
          () -> bird.log().contains("Malformed LARGE_COMMUNITY"));
    }
  }

  /** 100k routes are counted from BIRD's protocol summary, never listed. */
  @Test
  void hundredThousandRoutesAreCountedCheaply() {
    List<String> addr = Loopback.addresses(2);
    String sender = addr.get(0);
    String receiver = addr.get(1);
    int port = Loopback.freePort(sender, receiver);
    PeerConfig senderConfig = PeerConfig.builder().localAsn(65001).peerAsn(65002).localAddress(sender)
        .neighbor(receiver).listenPort(port).passive()
        .announce(Announcement.bulkIpv4("198.18.0.0", 32, 100_000)).build();
    PeerConfig receiverConfig = PeerConfig.builder().localAsn(65002).peerAsn(65001).localAddress(receiver)
        .neighbor(sender).listenPort(port).peerPort(port).build();
    try (BirdPeer tx = BirdPeer.start(senderConfig); BirdPeer rx = BirdPeer.start(receiverConfig)) {
      rx.awaitRouteCount(sender, 100_000, Duration.ofSeconds(90));
      assertThat(tx.routeCount(receiver)).isZero();   // the receiver announces nothing back
      assertThat(rx.birdc("show route count protocol " + BirdPeer.protocolName(sender)))
          .startsWith("100000 of 100000 routes");
    }
  }
}
