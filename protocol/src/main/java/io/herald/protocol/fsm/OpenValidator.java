package io.herald.protocol.fsm;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Octets;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.Set;

/** Checks a received OPEN against our settings; each failure is one OPEN Message Error (2/x). */
public final class OpenValidator {
  private OpenValidator() {}

  /** The first problem with {@code open}, or empty when the session may proceed. */
  public static Optional<BgpError> check(PeerSettings settings, Open open) {
    // RFC 4271 §6.2: data = the largest locally supported version, 2 octets. The codec normally
    // catches this first; checked again so that the FSM never negotiates another version.
    if (open.version() != Open.VERSION) {
      return Optional.of(BgpError.reset(NotificationCode.UNSUPPORTED_VERSION_NUMBER,
          Octets.ofUnsignedShort(Open.VERSION), "version " + open.version()));
    }
    // RFC 6793 §4.1: a NEW speaker's AS is the 4-octet AS capability's value, not the 2-octet
    // field (which is AS_TRANS for a 4-octet AS). An OLD speaker's AS is the 2-octet field; so a
    // peer configured with a 4-octet AS that sends AS_TRANS without the capability mismatches.
    Asn peer = open.asn();
    if (!peer.equals(settings.peerAsn())) {
      return Optional.of(BgpError.reset(NotificationCode.BAD_PEER_AS,
          "peer AS " + peer + " (2-octet field " + open.myAutonomousSystem() + "), expected "
              + settings.peerAsn()));
    }
    // RFC 6286 §2.2: zero is never valid; equal to ours is an error only between internal peers.
    if (open.bgpIdentifier().isZero()
        || (settings.internal() && open.bgpIdentifier().equals(settings.localRouterId()))) {
      return Optional.of(BgpError.reset(NotificationCode.BAD_BGP_IDENTIFIER,
          "BGP identifier " + open.bgpIdentifier()));
    }
    // RFC 4271 §4.2 / §6.2: a Hold Time of one or two seconds MUST be rejected.
    if (open.holdTimeSeconds() == 1 || open.holdTimeSeconds() == 2) {
      return Optional.of(BgpError.reset(NotificationCode.UNACCEPTABLE_HOLD_TIME,
          "hold time " + open.holdTimeSeconds()));
    }
    // RFC 5492 §5: without a common family there is nothing to exchange; the data field lists
    // the capabilities we need, encoded as in OPEN.
    Set<AddressFamily> theirs = Negotiated.peerFamilies(open);
    if (settings.families().stream().noneMatch(theirs::contains)) {
      return Optional.of(new BgpError(NotificationCode.UNSUPPORTED_CAPABILITY,
          multiprotocolCapabilities(settings), ErrorAction.SESSION_RESET,
          "no common address family: ours " + settings.families() + ", peer's " + theirs));
    }
    return Optional.empty();
  }

  /**
   * Our Multiprotocol capabilities as they appear in OPEN (RFC 5492 §4, RFC 4760 §8): code 1,
   * length 4, AFI (2 octets), reserved 0, SAFI.
   */
  static Octets multiprotocolCapabilities(PeerSettings settings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (AddressFamily f : settings.families()) {
      out.write(1);
      out.write(4);
      out.write(f.afi().code() >>> 8);
      out.write(f.afi().code() & 0xff);
      out.write(0);
      out.write(f.safi().code());
    }
    return Octets.copyOf(out.toByteArray());
  }
}
