package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PeerConfigTest {
  static PeerConfig.Builder loopback() {
    return PeerConfig.builder().localAsn(65001).peerAsn(65002).localAddress("127.1.2.2").neighbor("127.1.2.3");
  }

  @Test
  void defaultsAndDerivedValues() {
    PeerConfig c = loopback().build();
    assertThat(c.ibgp()).isFalse();
    assertThat(c.onLoopback()).isTrue();
    assertThat(c.listenPort()).isEqualTo(179);
    assertThat(c.holdTimeSeconds()).isEqualTo(9);
    assertThat(c.keepaliveSeconds()).isEqualTo(3);
    assertThat(c.routerIdOrDefault()).isEqualTo("127.1.2.2");
    assertThat(c.familiesFor("127.1.2.3")).containsExactly(PeerConfig.Family.IPV4_UNICAST);
    assertThat(c.familiesFor("2001:db8::2")).containsExactly(PeerConfig.Family.IPV6_UNICAST);
    assertThat(loopback().peerAsn(65001).build().ibgp()).isTrue();
    assertThat(loopback().holdTime(3).build().keepaliveSeconds()).isEqualTo(1);
  }

  @Test
  void explicitFamiliesApplyToEveryNeighbor() {
    PeerConfig c = loopback().families(PeerConfig.Family.IPV4_UNICAST, PeerConfig.Family.IPV6_UNICAST).build();
    assertThat(c.familiesFor("127.1.2.3")).isEqualTo(Set.of(PeerConfig.Family.values()));
  }

  @Test
  void fourOctetAsnsUpTo2To32Minus1() {
    assertThat(loopback().localAsn(4294967295L).build().localAsn()).isEqualTo(4294967295L);
    assertThatThrownBy(() -> loopback().localAsn(4294967296L).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> loopback().peerAsn(0).build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWhatNoRouterAccepts() {
    assertThatThrownBy(() -> loopback().holdTime(2).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerConfig.builder().localAsn(1).peerAsn(2).neighbor("127.0.0.3").build())
        .isInstanceOf(IllegalArgumentException.class);   // loopback without a local address
    assertThatThrownBy(() -> loopback().kernelExport(true).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> loopback().md5("two words").build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void announcementsSplitByFamilyAndCanonical() {
    PeerConfig c = loopback().announce("203.0.113.0/24", "2001:DB8:FFFF:0::/48").build();
    assertThat(c.announcements(PeerConfig.Family.IPV4_UNICAST)).extracting(Announcement::prefix)
        .containsExactly("203.0.113.0/24");
    assertThat(c.announcements(PeerConfig.Family.IPV6_UNICAST)).extracting(Announcement::prefix)
        .containsExactly("2001:db8:ffff::/48");
  }

  @Test
  void bulkPrefixesAreConsecutive() {
    List<Announcement> bulk = Announcement.bulkIpv4("198.18.0.0", 32, 100_000);
    assertThat(bulk).hasSize(100_000);
    assertThat(bulk.get(0).prefix()).isEqualTo("198.18.0.0/32");
    assertThat(bulk.get(256).prefix()).isEqualTo("198.18.1.0/32");
    assertThat(bulk.get(99_999).prefix()).isEqualTo("198.19.134.159/32");
    assertThat(Announcement.bulkIpv4("203.0.113.0", 26, 4)).extracting(Announcement::prefix)
        .containsExactly("203.0.113.0/26", "203.0.113.64/26", "203.0.113.128/26", "203.0.113.192/26");
  }

  @Test
  void rawAttributeRendersForExabgp() {
    Announcement a = Announcement.of("203.0.113.0/24").withRawAttribute(32, 0xc0, "0000fde800000001")
        .withCommunities("65000:1");
    assertThat(ExabgpPeer.route(a)).isEqualTo(
        "route 203.0.113.0/24 next-hop self community [ 65000:1 ] attribute [ 0x20 0xc0 0x0000fde800000001 ]");
    assertThatThrownBy(() -> a.requireNo("BIRD", false)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Announcement.of("203.0.113.0/24").withRawAttribute(8, 0xc0, "abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Announcement.of("203.0.113.0/24").withCommunities("65000"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sessionStateNamesOfAllRouters() {
    assertThat(SessionState.parse("Established")).isEqualTo(SessionState.ESTABLISHED);
    assertThat(SessionState.parse("OpenSent")).isEqualTo(SessionState.OPEN_SENT);
    assertThat(SessionState.parse("OPEN_CONFIRM")).isEqualTo(SessionState.OPEN_CONFIRM);
    assertThat(SessionState.parse("Idle (Admin)")).isEqualTo(SessionState.IDLE);
    assertThat(SessionState.parse("Active")).isEqualTo(SessionState.ACTIVE);
    assertThat(SessionState.parse("whatever")).isEqualTo(SessionState.UNKNOWN);
    assertThat(SessionState.parse(null)).isEqualTo(SessionState.UNKNOWN);
  }
}
