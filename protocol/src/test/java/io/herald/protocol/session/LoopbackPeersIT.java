package io.herald.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.interop.Announcement;
import io.herald.protocol.interop.Await;
import io.herald.protocol.interop.ExabgpPeer;
import io.herald.protocol.interop.GobgpPeer;
import io.herald.protocol.interop.Loopback;
import io.herald.protocol.interop.PeerConfig;
import io.herald.protocol.interop.ReceivedRoute;
import io.herald.protocol.interop.Tools;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Herald's speaker against GoBGP and ExaBGP on loopback. */
class LoopbackPeersIT {
  private static final Duration UP = Duration.ofSeconds(40);

  private static HeraldSpeaker.Settings settings(String local, String peer, int port, long localAs, long peerAs) {
    HeraldSpeaker.Settings s = new HeraldSpeaker.Settings();
    s.local = local;
    s.peer = peer;
    s.peerPort = port;
    s.localAs = localAs;
    s.peerAs = peerAs;
    s.ttl = localAs == peerAs ? null : 2;
    return s;
  }

  @Test
  void gobgpReceivesBothFamiliesWithCommunities() throws Exception {
    Tools.assumeGobgp();
    List<String> a = Loopback.addresses(2);
    int port = Loopback.freePort(a.get(0));
    RouteAttributes v4 = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.empty(),
        OptionalLong.empty(), List.of(Community.parse("65000:1")), List.of(LargeCommunity.parse("65000:2:3")));
    RouteAttributes v6 = new RouteAttributes(Optional.of(IpLiterals.parse("2001:db8::11")), OptionalLong.empty(),
        OptionalLong.empty(), List.of(), List.of());
    Map<Prefix, RouteAttributes> routes = new LinkedHashMap<>();
    routes.put(Prefix.parse("203.0.113.40/32"), v4);
    routes.put(Prefix.parse("2001:db8:ffff::40/128"), v6);
    try (GobgpPeer gobgp = GobgpPeer.start(PeerConfig.builder().localAsn(65000).peerAsn(4_200_000_002L)
            .neighbor(a.get(1)).localAddress(a.get(0)).listenPort(port).passive()
            .families(PeerConfig.Family.IPV4_UNICAST, PeerConfig.Family.IPV6_UNICAST).build());
        HeraldSpeaker herald = HeraldSpeaker.start(settings(a.get(1), a.get(0), port, 4_200_000_002L, 65000), routes)) {
      List<ReceivedRoute> got = gobgp.awaitRoutes(a.get(1), r -> r.size() == 2, UP);
      ReceivedRoute r4 = got.stream().filter(r -> !r.isIpv6()).findFirst().orElseThrow();
      assertThat(r4.prefix()).isEqualTo("203.0.113.40/32");
      assertThat(r4.nextHop()).isEqualTo("192.0.2.11");
      assertThat(r4.asPath()).containsExactly(4_200_000_002L);
      assertThat(r4.communities()).containsExactly("65000:1");
      assertThat(r4.largeCommunities()).containsExactly("65000:2:3");
      ReceivedRoute r6 = got.stream().filter(ReceivedRoute::isIpv6).findFirst().orElseThrow();
      assertThat(r6.nextHop()).isEqualTo("2001:db8::11");

      herald.peer.setRoutes(Map.of(Prefix.parse("203.0.113.40/32"), v4));
      gobgp.awaitRoutes(a.get(1), r -> r.size() == 1, UP);
    }
  }

  @Test
  void exabgpMalformedAttributesGetTheRfc7606OutcomeNotAReset() throws Exception {
    Tools.assumeExabgp();
    List<String> a = Loopback.addresses(2);
    int port = Loopback.freePort(a.get(0));
    try (ExabgpPeer exa = ExabgpPeer.start(PeerConfig.builder().localAsn(65010).peerAsn(64512)
            .neighbor(a.get(1)).localAddress(a.get(0)).listenPort(port).passive().build());
        HeraldSpeaker herald = HeraldSpeaker.start(settings(a.get(1), a.get(0), port, 64512, 65010),
            Map.of(Prefix.parse("203.0.113.50/32"), new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")),
                OptionalLong.empty(), OptionalLong.empty(), List.of(), List.of())))) {
      exa.awaitEstablished(a.get(1), UP);
      exa.awaitRoutes(a.get(1), r -> r.size() == 1, UP);
      // MULTI_EXIT_DISC of 3 octets instead of 4: RFC 7606 §7.4 treat-as-withdraw.
      exa.announce(Announcement.of("198.51.100.1/32").withNextHop(a.get(0)).withRawAttribute(4, 0x80, "000001"));
      // AGGREGATOR of 5 octets on an AS4 session: RFC 7606 §7.7 attribute discard.
      exa.announce(Announcement.of("198.51.100.2/32").withNextHop(a.get(0)).withRawAttribute(7, 0xC0, "0000fdea01"));
      Await.until("both issues reported", UP, () -> herald.issues.size() >= 2);
      assertThat(herald.issues).anySatisfy(e -> {
        assertThat(e.code()).isEqualTo(NotificationCode.ATTRIBUTE_LENGTH_ERROR);
        assertThat(e.action()).isEqualTo(ErrorAction.TREAT_AS_WITHDRAW);
      });
      assertThat(herald.issues).anySatisfy(e -> assertThat(e.action()).isEqualTo(ErrorAction.ATTRIBUTE_DISCARD));
      // A good UPDATE afterwards still arrives on the same session.
      exa.announce(Announcement.of("198.51.100.3/32").withNextHop(a.get(0)));
      Await.until("the good UPDATE", UP, () -> herald.updates.stream()
          .anyMatch(u -> u.nlri().contains(Prefix.parse("198.51.100.3/32"))));
      assertThat(herald.establishedCount()).as("no session reset").isEqualTo(1);
      assertThat(exa.notifications(a.get(1))).as("we sent no NOTIFICATION").isEmpty();
      assertThat(exa.isEstablished(a.get(1))).isTrue();
    }
  }
}
