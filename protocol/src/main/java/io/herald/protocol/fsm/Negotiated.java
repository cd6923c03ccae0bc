package io.herald.protocol.fsm;

import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Open;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.RouterId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What our OPEN and the peer's OPEN agree on; fixed for the life of one session.
 *
 * @param peerAsn the peer's real AS (RFC 6793 §4.1)
 * @param peerId the peer's BGP Identifier
 * @param holdTime min(ours, peer's) (RFC 4271 §4.2); zero means no Hold and no Keepalive timer
 * @param keepaliveTime one third of the hold time (RFC 4271 §10); zero when hold time is zero
 * @param fourOctetAs both sides sent the 4-octet AS capability (RFC 6793 §3)
 * @param extendedMessage both sides sent the Extended Message capability (RFC 8654 §3)
 * @param families the families both sides advertised (RFC 4760 §8); IPv4 unicast is implied for
 *     a peer that sent no Multiprotocol capability at all (RFC 4760 §1)
 * @param routeRefresh both sides sent Route Refresh (RFC 2918 §2)
 * @param enhancedRouteRefresh both sides sent Enhanced Route Refresh (RFC 7313 §3)
 * @param peerGracefulRestart the peer's Graceful Restart capability, if it sent one (RFC 4724)
 */
public record Negotiated(
    Asn peerAsn,
    RouterId peerId,
    Duration holdTime,
    Duration keepaliveTime,
    boolean fourOctetAs,
    boolean extendedMessage,
    Set<AddressFamily> families,
    boolean routeRefresh,
    boolean enhancedRouteRefresh,
    Optional<Capability.GracefulRestart> peerGracefulRestart) {

  private static final Comparator<AddressFamily> FAMILY_ORDER =
      Comparator.comparingInt((AddressFamily f) -> f.afi().code())
          .thenComparingInt(f -> f.safi().code());

  public Negotiated {
    Objects.requireNonNull(peerAsn, "peerAsn");
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(holdTime, "holdTime");
    Objects.requireNonNull(keepaliveTime, "keepaliveTime");
    Objects.requireNonNull(peerGracefulRestart, "peerGracefulRestart");
    families = Set.copyOf(families);
  }

  /** Negotiates between our settings and an OPEN that {@link OpenValidator} accepted. */
  public static Negotiated between(PeerSettings ours, Open theirs) {
    Duration peerHold = Duration.ofSeconds(theirs.holdTimeSeconds());
    Duration hold = ours.holdTime().compareTo(peerHold) <= 0 ? ours.holdTime() : peerHold;
    Set<AddressFamily> common = new LinkedHashSet<>(ours.families());
    common.retainAll(peerFamilies(theirs));
    boolean rr = ours.routeRefresh() && theirs.has(Capability.RouteRefresh.class);
    boolean err = rr && ours.enhancedRouteRefresh()
        && theirs.has(Capability.EnhancedRouteRefresh.class);
    return new Negotiated(
        theirs.asn(),
        theirs.bgpIdentifier(),
        hold,
        hold.dividedBy(3),
        theirs.has(Capability.FourOctetAs.class), // we always send it (RFC 6793 §3)
        ours.extendedMessage() && theirs.has(Capability.ExtendedMessage.class),
        common,
        rr,
        err,
        theirs.capability(Capability.GracefulRestart.class));
  }

  /** The families the peer's OPEN offers: its Multiprotocol capabilities, or IPv4 unicast. */
  static Set<AddressFamily> peerFamilies(Open open) {
    Set<AddressFamily> f = new LinkedHashSet<>();
    for (Capability c : open.capabilities()) {
      if (c instanceof Capability.Multiprotocol mp) {
        f.add(mp.family());
      }
    }
    // RFC 4760 §1 / RFC 4271: without Multiprotocol capabilities a speaker carries IPv4 unicast.
    return f.isEmpty() ? Set.of(AddressFamily.IPV4_UNICAST) : f;
  }

  /** False when the hold time is zero: then neither Hold nor Keepalive timer runs. */
  public boolean holdTimerEnabled() {
    return !holdTime.isZero();
  }

  /** The negotiated families in a fixed order (by AFI, then SAFI) for End-of-RIB and logs. */
  public List<AddressFamily> orderedFamilies() {
    List<AddressFamily> l = new ArrayList<>(families);
    l.sort(FAMILY_ORDER);
    return List.copyOf(l);
  }

  /** The wire format this session's codec must use from now on. */
  public CodecContext codecContext() {
    return new CodecContext(fourOctetAs, extendedMessage, families);
  }
}
