package io.herald.protocol.fsm;

import static io.herald.protocol.fsm.Fixtures.LOCAL_AS;
import static io.herald.protocol.fsm.Fixtures.LOCAL_ID;
import static io.herald.protocol.fsm.Fixtures.PEER_AS;
import static io.herald.protocol.fsm.Fixtures.PEER_ID;
import static io.herald.protocol.fsm.Fixtures.peerOpen;
import static io.herald.protocol.fsm.Fixtures.settings;
import static io.herald.protocol.fsm.Fixtures.withHold;
import static io.herald.protocol.fsm.Fixtures.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.RouterId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** OPEN validation (RFC 4271 §6.2, RFC 6793, RFC 6286), negotiation and the OPEN we send. */
class OpenNegotiationTest {

  private static Optional<NotificationCode> check(PeerSettings s, Open o) {
    return OpenValidator.check(s, o).map(BgpError::code);
  }

  private static Open fromAs(long fieldAs, Optional<Long> as4Capability) {
    List<Capability> caps = as4Capability
        .<List<Capability>>map(v -> List.of(new Capability.FourOctetAs(Asn.of(v))))
        .orElse(List.of());
    return new Open(4, (int) fieldAs, 90, PEER_ID, caps);
  }

  @Test
  void twoOctetPeerWithoutCapabilityIsAccepted() {
    PeerSettings s = PeerSettings.defaults(LOCAL_AS, Asn.of(65001), LOCAL_ID);
    assertThat(check(s, fromAs(65001, Optional.empty()))).isEmpty();
    assertThat(Negotiated.between(s, fromAs(65001, Optional.empty())).fourOctetAs()).isFalse();
  }

  @Test
  void fourOctetPeerSendsAsTransAndTheCapability() {
    PeerSettings s = PeerSettings.defaults(LOCAL_AS, Asn.of(4_200_000_001L), LOCAL_ID);
    Open o = fromAs(Asn.AS_TRANS.value(), Optional.of(4_200_000_001L));
    assertThat(check(s, o)).isEmpty();
    Negotiated n = Negotiated.between(s, o);
    assertThat(n.peerAsn()).isEqualTo(Asn.of(4_200_000_001L));
    assertThat(n.fourOctetAs()).isTrue();
  }

  @Test
  void asTransWithoutTheCapabilityIsBadPeerAsForAFourOctetPeer() {
    PeerSettings s = PeerSettings.defaults(LOCAL_AS, Asn.of(4_200_000_001L), LOCAL_ID);
    assertThat(check(s, fromAs(Asn.AS_TRANS.value(), Optional.empty())))
        .contains(NotificationCode.BAD_PEER_AS);
  }

  @Test
  void theCapabilityWinsOverTheTwoOctetField() {
    // RFC 6793 §4.1: a NEW speaker's AS is the capability's; the 2-octet field is not compared.
    PeerSettings s = PeerSettings.defaults(LOCAL_AS, Asn.of(65001), LOCAL_ID);
    assertThat(check(s, fromAs(65001, Optional.of(65002L)))).contains(NotificationCode.BAD_PEER_AS);
    assertThat(check(s, fromAs(65001, Optional.of(65001L)))).isEmpty();
    assertThat(check(s, fromAs(65002, Optional.empty()))).contains(NotificationCode.BAD_PEER_AS);
  }

  @Test
  void capabilityCarryingAsTransIsBadPeerAs() {
    PeerSettings s = PeerSettings.defaults(LOCAL_AS, Asn.of(4_200_000_001L), LOCAL_ID);
    assertThat(check(s, fromAs(Asn.AS_TRANS.value(), Optional.of(Asn.AS_TRANS.value()))))
        .contains(NotificationCode.BAD_PEER_AS);
  }

  @Test
  void bgpIdentifierRulesFollowRfc6286() {
    PeerSettings ebgp = settings();
    PeerSettings ibgp = PeerSettings.defaults(LOCAL_AS, LOCAL_AS, LOCAL_ID);
    Open ibgpOpen = Open.of(LOCAL_AS, 90, PEER_ID, List.of());
    assertThat(check(ebgp, withId(peerOpen(), new RouterId(0))))
        .contains(NotificationCode.BAD_BGP_IDENTIFIER);
    assertThat(check(ebgp, withId(peerOpen(), LOCAL_ID))).isEmpty();
    assertThat(check(ibgp, withId(ibgpOpen, LOCAL_ID))).contains(NotificationCode.BAD_BGP_IDENTIFIER);
    assertThat(check(ibgp, ibgpOpen)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"1", "2"})
  void holdTimeOfOneOrTwoSecondsIsUnacceptable(int hold) {
    assertThat(check(settings(), withHold(peerOpen(), hold)))
        .contains(NotificationCode.UNACCEPTABLE_HOLD_TIME);
  }

  @Test
  void versionOtherThanFourNamesVersionFourInTheData() {
    Open o = peerOpen();
    Open v3 = new Open(3, o.myAutonomousSystem(), 90, o.bgpIdentifier(), o.capabilities());
    BgpError e = OpenValidator.check(settings(), v3).orElseThrow();
    assertThat(e.code()).isEqualTo(NotificationCode.UNSUPPORTED_VERSION_NUMBER);
    assertThat(e.data()).isEqualTo(Octets.of(0, 4));
  }

  @Test
  void noCommonFamilyIsUnsupportedCapabilityListingOurs() {
    PeerSettings s = settings().withFamilies(
        List.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST));
    Open v6only = withCapabilityList(List.of(new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST)));
    assertThat(check(s, v6only)).isEmpty();

    PeerSettings v4only = settings();
    BgpError e = OpenValidator.check(v4only, v6only).orElseThrow();
    assertThat(e.code()).isEqualTo(NotificationCode.UNSUPPORTED_CAPABILITY);
    // RFC 5492 §5: the capability as in OPEN: code 1, length 4, AFI 1, reserved, SAFI 1.
    assertThat(e.data()).isEqualTo(Octets.of(1, 4, 0, 1, 0, 1));
    assertThat(e.toNotification().data()).isEqualTo(Octets.of(1, 4, 0, 1, 0, 1));
  }

  @Test
  void peerWithoutMultiprotocolCapabilitySpeaksIpv4UnicastOnly() {
    Open bare = withCapabilityList(List.of());
    assertThat(check(settings(), bare)).isEmpty();
    assertThat(Negotiated.between(settings(), bare).families())
        .containsExactly(AddressFamily.IPV4_UNICAST);
    PeerSettings v6 = settings().withFamilies(List.of(AddressFamily.IPV6_UNICAST));
    assertThat(check(v6, bare)).contains(NotificationCode.UNSUPPORTED_CAPABILITY);
  }

  private static Open withCapabilityList(List<Capability> caps) {
    return Open.of(PEER_AS, 90, PEER_ID, caps);
  }

  @ParameterizedTest(name = "ours {0} s, peer {1} s -> hold {2} s, keepalive {3} ms")
  @CsvSource({
      "90, 0, 0, 0",
      "90, 3, 3, 1000",
      "90, 90, 90, 30000",
      "90, 180, 90, 30000",
      "0, 90, 0, 0",
      "10, 240, 10, 3333",
  })
  void holdTimeIsTheSmallerAndKeepaliveAThird(int ours, int peer, int hold, long keepaliveMillis) {
    PeerSettings s = settings().withHoldTime(Duration.ofSeconds(ours));
    Negotiated n = Negotiated.between(s, withHold(peerOpen(), peer));
    assertThat(n.holdTime()).isEqualTo(Duration.ofSeconds(hold));
    assertThat(n.keepaliveTime().toMillis()).isEqualTo(keepaliveMillis);
    assertThat(n.holdTimerEnabled()).isEqualTo(hold != 0);
  }

  @Test
  void capabilitiesCountOnlyWhenBothSidesSendThem() {
    Open bare = withCapabilityList(List.of(new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST)));
    Negotiated none = Negotiated.between(settings(), bare);
    assertThat(none.fourOctetAs()).isFalse();
    assertThat(none.extendedMessage()).isFalse();
    assertThat(none.routeRefresh()).isFalse();
    assertThat(none.enhancedRouteRefresh()).isFalse();
    assertThat(none.peerGracefulRestart()).isEmpty();
    assertThat(none.codecContext()).isEqualTo(CodecContext.INITIAL);

    Negotiated all = Negotiated.between(settings(), peerOpen());
    assertThat(all.codecContext())
        .isEqualTo(new CodecContext(true, true, Set.of(AddressFamily.IPV4_UNICAST)));
    assertThat(all.routeRefresh()).isTrue();
    assertThat(all.enhancedRouteRefresh()).isTrue();

    PeerSettings quiet = settings().withExtendedMessage(false).withRouteRefresh(false, false);
    Negotiated mine = Negotiated.between(quiet, peerOpen());
    assertThat(mine.extendedMessage()).isFalse();
    assertThat(mine.routeRefresh()).isFalse();
    assertThat(mine.enhancedRouteRefresh()).isFalse();
  }

  @Test
  void peerGracefulRestartIsReported() {
    Capability.GracefulRestart gr = new Capability.GracefulRestart(true, 120,
        List.of(new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true)));
    Negotiated n = Negotiated.between(settings(), Fixtures.withCapability(peerOpen(), gr));
    assertThat(n.peerGracefulRestart()).contains(gr);
  }

  @Test
  void ourOpenCarriesEveryEnabledCapability() {
    PeerSettings s = settings()
        .withFamilies(List.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST))
        .withGracefulRestart(Optional.of(
            new PeerSettings.GracefulRestartSettings(Duration.ofSeconds(120), true)));
    Open o = LocalOpen.build(s, true);
    assertThat(o.version()).isEqualTo(4);
    assertThat(o.myAutonomousSystem()).isEqualTo(64512);
    assertThat(o.holdTimeSeconds()).isEqualTo(90);
    assertThat(o.bgpIdentifier()).isEqualTo(LOCAL_ID);
    assertThat(o.capabilities()).containsExactly(
        new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
        new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST),
        new Capability.RouteRefresh(),
        new Capability.EnhancedRouteRefresh(),
        new Capability.FourOctetAs(LOCAL_AS),
        new Capability.ExtendedMessage(),
        new Capability.GracefulRestart(true, 120, List.of(
            new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, false),
            new Capability.GracefulRestart.Family(AddressFamily.IPV6_UNICAST, false))));
    assertThat(LocalOpen.build(s, false).capability(Capability.GracefulRestart.class)
        .orElseThrow().restartState()).isFalse();
  }

  @Test
  void ourOpenLeavesOutDisabledCapabilitiesAndUsesAsTrans() {
    PeerSettings s = PeerSettings.defaults(Asn.of(4_200_000_000L), PEER_AS, LOCAL_ID)
        .withExtendedMessage(false).withRouteRefresh(false, false)
        .withHoldTime(Duration.ZERO);
    Open o = LocalOpen.build(s, false);
    assertThat(o.myAutonomousSystem()).isEqualTo(23456);
    assertThat(o.asn()).isEqualTo(Asn.of(4_200_000_000L));
    assertThat(o.holdTimeSeconds()).isZero();
    assertThat(o.capabilities()).containsExactly(
        new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
        new Capability.FourOctetAs(Asn.of(4_200_000_000L)));
  }

  @Test
  void settingsRejectInvalidValues() {
    PeerSettings s = settings();
    assertThatThrownBy(() -> s.withHoldTime(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withHoldTime(Duration.ofMillis(3500)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withHoldTime(Duration.ofSeconds(65536)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withConnectRetry(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withConnectRetry(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withFamilies(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withRouteRefresh(false, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerSettings.defaults(Asn.AS_TRANS, PEER_AS, LOCAL_ID))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerSettings.defaults(LOCAL_AS, Asn.of(0), LOCAL_ID))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PeerSettings.GracefulRestartSettings(Duration.ofSeconds(4096), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.withHoldTime(Duration.ZERO).holdTime()).isZero();
    assertThat(s.withHoldTime(Duration.ofSeconds(3)).holdTime()).hasSeconds(3);
  }
}
