package io.herald.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.attribute.Aggregator;
import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.AsPathSegment;
import io.herald.protocol.attribute.AtomicAggregate;
import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.attribute.Origin;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.attribute.UnknownAttribute;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Keepalive;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Update;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.Prefix;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the decoder builds from particular vectors, beyond the outcome the corpus test checks. */
class MessageDecoderTest {
  private static final Prefix NLRI = Prefix.parse("198.51.100.10/32");

  private static Inbound.Message decode(String vector) {
    Vector v = Vector.load(vector);
    Inbound in = MessageDecoder.decode(v.bytes(), v.context());
    assertThat(in).isInstanceOf(Inbound.Message.class);
    return (Inbound.Message) in;
  }

  private static Update update(String vector) {
    return (Update) decode(vector).message();
  }

  private static AsPath seq(long... asns) {
    return AsPath.sequence(Arrays.stream(asns).mapToObj(Asn::of).toArray(Asn[]::new));
  }

  @Test
  void twoOctetSessionMergesAs4PathIntoAsPath() {
    Update u = update("update/as2-as4-path-reconciled.hex");
    assertThat(u.attribute(AsPath.class)).contains(seq(65002, 4_200_000_000L, 65001));
    assertThat(u.attributes()).noneMatch(a -> a.typeCode() == PathAttribute.AS4_PATH);
  }

  @Test
  void asTransAggregatorTakesTheAs4Aggregator() {
    Update u = update("update/as2-as4-aggregator.hex");
    assertThat(u.attribute(Aggregator.class)).contains(
        new Aggregator(Asn.of(4_200_000_000L), IpLiterals.parseIpv4("192.0.2.1")));
    assertThat(u.attribute(AsPath.class)).contains(seq(4_200_000_000L, 65001));
    assertThat(u.attributes()).noneMatch(a -> a.typeCode() == PathAttribute.AS4_AGGREGATOR);
  }

  @Test
  void aRealAggregatorAsMakesBothAs4AttributesIgnored() {
    Update u = update("update/as2-aggregator-ignores-as4.hex");
    assertThat(u.attribute(AsPath.class)).contains(seq(23456, 65001));
    assertThat(u.attribute(Aggregator.class).map(Aggregator::asn)).contains(Asn.of(65002));
  }

  @Test
  void anAs4PathLongerThanAsPathIsIgnored() {
    assertThat(update("update/as2-as4-path-longer.hex").attribute(AsPath.class)).contains(seq(23456));
  }

  @Test
  void anAs4SessionDiscardsAs4PathAndKeepsItsOwnPath() {
    Inbound.Message m = decode("update/as4-session-as4-path-discarded.hex");
    assertThat(((Update) m.message()).attribute(AsPath.class)).contains(seq(65001));
    assertThat(m.strongestAction()).contains(ErrorAction.ATTRIBUTE_DISCARD);
  }

  @Test
  void ipv6NextHopOfSixteenOctetsHasNoLinkLocal() {
    MpReachNlri r = update("update/mp-reach-ipv6-next-hop-16.hex").mpReach().orElseThrow();
    assertThat(r.family()).isEqualTo(AddressFamily.IPV6_UNICAST);
    assertThat(r.nextHop()).isEqualTo(IpLiterals.parse("2001:db8::1"));
    assertThat(r.linkLocalNextHop()).isEmpty();
    assertThat(r.nlri()).containsExactly(Prefix.parse("2001:db8:1::/64"));
  }

  @Test
  void ipv6NextHopOfThirtyTwoOctetsCarriesTheLinkLocalAddress() {
    MpReachNlri r = update("update/mp-reach-ipv6-next-hop-32.hex").mpReach().orElseThrow();
    assertThat(r.nextHop()).isEqualTo(IpLiterals.parse("2001:db8::1"));
    assertThat(r.linkLocalNextHop()).contains(IpLiterals.parseIpv6("fe80::abcd"));
  }

  @Test
  void treatAsWithdrawKeepsTheNlriAndDropsTheBadAttribute() {
    Inbound.Message m = decode("update/origin-value-3.hex");
    Update u = (Update) m.message();
    assertThat(m.strongestAction()).contains(ErrorAction.TREAT_AS_WITHDRAW);
    assertThat(u.nlri()).containsExactly(NLRI); // the session must withdraw these
    assertThat(u.attribute(Origin.class)).isEmpty();
    assertThat(u.attribute(NextHop.class)).isPresent();
  }

  @Test
  void attributeDiscardKeepsTheRoute() {
    Inbound.Message m = decode("update/atomic-aggregate-length-1.hex");
    Update u = (Update) m.message();
    assertThat(m.issues()).hasSize(1);
    assertThat(u.attribute(AtomicAggregate.class)).isEmpty();
    assertThat(u.attribute(Origin.class)).contains(Origin.IGP);
    assertThat(u.nlri()).containsExactly(NLRI);
  }

  @Test
  void aRepeatedAttributeKeepsTheFirstCopy() {
    assertThat(update("update/duplicate-origin.hex").attribute(Origin.class)).contains(Origin.IGP);
  }

  @Test
  void unknownOptionalAttributeIsKeptWithItsFlags() {
    assertThat(update("update/unknown-optional-transitive.hex").attributes())
        .contains(new UnknownAttribute(0xC0, 99, Octets.of(1, 2)));
  }

  @Test
  void openCapabilitiesAreInterpreted() {
    Open o = (Open) decode("open/open-capabilities.hex").message();
    assertThat(o.asn()).isEqualTo(Asn.of(4_200_000_000L));
    assertThat(o.myAutonomousSystem()).isEqualTo(23456);
    assertThat(o.holdTimeSeconds()).isEqualTo(180);
    assertThat(o.capabilities()).containsExactly(
        new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
        new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST),
        new Capability.RouteRefresh(),
        new Capability.EnhancedRouteRefresh(),
        new Capability.FourOctetAs(Asn.of(4_200_000_000L)),
        new Capability.GracefulRestart(true, 120, List.of(
            new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true),
            new Capability.GracefulRestart.Family(AddressFamily.IPV6_UNICAST, false))),
        new Capability.ExtendedMessage(),
        new Capability.Unknown(73, Octets.of(1, 0x61, 0, 0)));
  }

  @Test
  void extendedOptionalParametersAreRead() {
    Open o = (Open) decode("open/open-extended-optional-parameters.hex").message();
    assertThat(o.capabilities()).containsExactly(
        new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
        new Capability.FourOctetAs(Asn.of(65001)));
  }

  @Test
  void aMalformedKnownCapabilityIsKeptAsUnknown() {
    Open o = (Open) decode("open/open-malformed-known-capability.hex").message();
    assertThat(o.capabilities()).containsExactly(new Capability.Unknown(65, Octets.of(0xfd, 0xe9)));
    assertThat(o.fourOctetAs()).isEmpty();
  }

  @Test
  void shutdownCommunicationIsReadable() {
    Notification n = (Notification) decode("notification/cease-shutdown-communication.hex").message();
    assertThat(n.knownCode()).contains(NotificationCode.CEASE_ADMINISTRATIVE_SHUTDOWN);
    assertThat(n.shutdownCommunication()).contains("maintenance window");
  }

  @Test
  void routeRefreshFieldsAreInTheirPlaces() {
    assertThat(decode("route-refresh/begin-of-route-refresh-ipv6.hex").message())
        .isEqualTo(new RouteRefresh(2, 1, RouteRefresh.BEGIN_OF_ROUTE_REFRESH));
    assertThat(decode("keepalive/keepalive.hex").message()).isEqualTo(Keepalive.INSTANCE);
  }

  @Test
  void openAndKeepaliveStayWithin4096EvenWithExtendedMessages() {
    CodecContext ext = new CodecContext(true, true, CodecContext.INITIAL.families());
    byte[] open = new byte[4097];
    Arrays.fill(open, 0, 16, (byte) 0xff);
    open[16] = 0x10;
    open[17] = 0x01;
    open[18] = 1;
    Inbound.Malformed m = (Inbound.Malformed) MessageDecoder.decode(open, ext);
    assertThat(m.error().code()).isEqualTo(NotificationCode.BAD_MESSAGE_LENGTH);
    assertThat(m.error().data()).isEqualTo(Octets.of(0x10, 0x01));
  }

  @Test
  void framesShorterThanAHeaderAreBadLength() {
    for (int n = 0; n < 19; n++) {
      Inbound in = MessageDecoder.decode(new byte[n], CodecContext.INITIAL);
      assertThat(in).isInstanceOf(Inbound.Malformed.class);
      assertThat(((Inbound.Malformed) in).error().code()).isEqualTo(NotificationCode.BAD_MESSAGE_LENGTH);
    }
  }

  @Test
  void anUnexpectedExceptionIsCountedAndResetsWithTheSectionsGenericCode() {
    long before = MessageDecoder.decoderBugCount();
    byte[] update = Vector.load("update/ipv4-single-prefix.hex").bytes();
    Inbound.Malformed m = MessageDecoder.bug(update, new IllegalStateException("boom"));
    assertThat(m.error().code()).isEqualTo(NotificationCode.UPDATE_MESSAGE_ERROR);
    assertThat(m.error().action()).isEqualTo(ErrorAction.SESSION_RESET);
    byte[] open = Vector.load("open/open-minimal.hex").bytes();
    assertThat(MessageDecoder.bug(open, new IllegalStateException()).error().code())
        .isEqualTo(NotificationCode.OPEN_MESSAGE_ERROR);
    assertThat(MessageDecoder.bug(new byte[3], new IllegalStateException()).error().code())
        .isEqualTo(NotificationCode.MESSAGE_HEADER_ERROR);
    assertThat(MessageDecoder.decoderBugCount()).isEqualTo(before + 3);
  }

  @Test
  void confederationSegmentsLeadTheReconciledPath() {
    List<AsPathSegment> asPath = List.of(
        new AsPathSegment(AsPathSegment.Type.AS_CONFED_SEQUENCE, List.of(Asn.of(65010))),
        AsPathSegment.sequence(Asn.of(65001), Asn.AS_TRANS));
    List<AsPathSegment> as4 = List.of(
        new AsPathSegment(AsPathSegment.Type.AS_CONFED_SET, List.of(Asn.of(1))), // dropped, RFC 6793 §6
        AsPathSegment.sequence(Asn.of(65001), Asn.of(4_200_000_000L)));
    assertThat(AsPathCodec.reconcile(asPath, as4)).containsExactly(asPath.get(0),
        AsPathSegment.sequence(Asn.of(65001), Asn.of(4_200_000_000L)));
  }

  @Test
  void mpReachOnlyUpdateNeedsNoNextHop() {
    Inbound.Message m = decode("update/mp-reach-ipv6-next-hop-16.hex");
    assertThat(m.issues()).isEmpty();
    assertThat(((Update) m.message()).attribute(NextHop.class)).isEqualTo(Optional.empty());
  }
}
