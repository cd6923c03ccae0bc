package io.herald.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.interop.Await;
import io.herald.protocol.interop.BirdPeer;
import io.herald.protocol.interop.ChildProcess;
import io.herald.protocol.interop.FrrPeer;
import io.herald.protocol.interop.JavaInNetns;
import io.herald.protocol.interop.NetNs;
import io.herald.protocol.interop.PeerConfig;
import io.herald.protocol.interop.ReceivedRoute;
import io.herald.protocol.interop.Tools;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Herald's speaker inside a network namespace (a separate JVM), facing a real router in the other
 * namespace of a veth pair: FRR as a receiver (it refuses loopback next hops), route refresh, MD5,
 * and a silent peer caught by our hold timer.
 */
class NamespaceInteropIT {
  private static final Duration UP = Duration.ofSeconds(40);
  private static final String HERALD = NetNs.Pair.LEFT_V4;
  private static final String ROUTER = NetNs.Pair.RIGHT_V4;
  private static final String HERALD6 = NetNs.Pair.LEFT_V6;

  @BeforeAll
  static void needNamespaces() {
    Tools.assumeNetns();
  }

  private static ChildProcess herald(NetNs ns, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--local", HERALD, "--peer", ROUTER,
        "--local-as", "64512", "--peer-as", "64500"));
    args.addAll(List.of(extra));
    return JavaInNetns.start(ns, SpeakerMain.class, args.toArray(String[]::new));
  }

  private static long count(ChildProcess p, String prefix) {
    return p.lines().stream().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void frrReceivesBothFamiliesWithAttributesAndRouteRefreshResendsTheTable() {
    Tools.assumeFrr();
    try (NetNs.Pair lab = NetNs.pair();
        FrrPeer frr = FrrPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(64500).peerAsn(64512)
            .neighbor(HERALD).passive().holdTime(9)
            .families(PeerConfig.Family.IPV4_UNICAST, PeerConfig.Family.IPV6_UNICAST).build());
        ChildProcess herald = herald(lab.left(), "--community", "64512:300", "--large-community", "64512:3:4",
            "--prefix", "203.0.113.10/32", "--prefix", "203.0.113.11/32",
            "--prefix", "2001:db8:ffff::10/128", "--next-hop", HERALD6)) {
      frr.awaitEstablished(HERALD, UP);
      herald.awaitLine(l -> l.equals("table 3/0"), UP);
      List<ReceivedRoute> routes = frr.awaitRoutes(HERALD, r -> r.size() == 3, UP);
      ReceivedRoute v4 = routes.stream().filter(r -> r.prefix().equals("203.0.113.10/32")).findFirst().orElseThrow();
      assertThat(v4.nextHop()).isEqualTo(HERALD);
      assertThat(v4.asPath()).containsExactly(64512L);
      assertThat(v4.communities()).containsExactly("64512:300");
      assertThat(v4.largeCommunities()).containsExactly("64512:3:4");
      ReceivedRoute v6 = routes.stream().filter(ReceivedRoute::isIpv6).findFirst().orElseThrow();
      assertThat(v6.prefix()).isEqualTo("2001:db8:ffff::10/128");

      // FRR asks us for the table again (ROUTE-REFRESH, RFC 2918 / 7313): we re-send it, the
      // session stays up.
      frr.vtysh("clear bgp ipv4 unicast " + HERALD + " soft in");
      Await.until("a re-sent table", UP, () -> count(herald, "table ") >= 2);
      // And FRR re-sending its own (empty) table to us disturbs nothing either.
      frr.vtysh("clear bgp ipv4 unicast " + HERALD + " soft out");
      frr.awaitRoutes(HERALD, r -> r.size() == 3, UP);
      assertThat(count(herald, "state Established")).as("no session reset").isEqualTo(1);
      assertThat(frr.isEstablished(HERALD)).isTrue();
    }
  }

  @Test
  void md5WithFrrEstablishesAndAWrongKeyDoesNot() throws Exception {
    Tools.assumeFrr();
    try (NetNs.Pair lab = NetNs.pair();
        FrrPeer frr = FrrPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(64500).peerAsn(64512)
            .neighbor(HERALD).passive().md5("frr-md5-key").build());
        ChildProcess herald = herald(lab.left(), "--password", "frr-md5-key", "--prefix", "203.0.113.20/32")) {
      frr.awaitRoutes(HERALD, r -> r.size() == 1, UP);
    }
    try (NetNs.Pair lab = NetNs.pair();
        FrrPeer frr = FrrPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(64500).peerAsn(64512)
            .neighbor(HERALD).passive().md5("frr-md5-key").build());
        ChildProcess herald = herald(lab.left(), "--password", "not-the-key", "--prefix", "203.0.113.20/32")) {
      Thread.sleep(8000);
      assertThat(count(herald, "established")).isZero();
      assertThat(frr.isEstablished(HERALD)).isFalse();
    }
  }

  @Test
  void aSilentPeerIsDroppedWhenOurHoldTimerExpires() {
    Tools.assumeBird();
    Tools.assumeNft();
    try (NetNs.Pair lab = NetNs.pair();
        BirdPeer bird = BirdPeer.start(PeerConfig.builder().netns(lab.right()).localAsn(64500).peerAsn(64512)
            .neighbor(HERALD).passive().holdTime(30).build());
        ChildProcess herald = herald(lab.left(), "--hold", "3", "--prefix", "203.0.113.30/32")) {
      herald.awaitLine(l -> l.startsWith("table 1/0"), UP);
      // The router's namespace drops everything, as if its link died: no FIN, no RST, no KEEPALIVE.
      lab.right().dropAll();
      long upLines = herald.lines().size();
      // RFC 4271 §6.5: our hold timer (3 s negotiated) expires; the session goes down with 4/0.
      String down = herald.awaitLine(l -> l.startsWith("state ") && l.contains("hold-timer-expired"),
          Duration.ofSeconds(15));
      assertThat(down).startsWith("state ").contains("4/0");
      assertThat(herald.lines().subList((int) upLines, herald.lines().size()))
          .as("nothing else took the session down first")
          .noneMatch(l -> l.startsWith("state ") && !l.contains("hold-timer-expired") && l.contains("-"));
    }
  }
}
