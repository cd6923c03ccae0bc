package io.herald.protocol.codec;

import static io.herald.protocol.message.NotificationCode.INVALID_NETWORK_FIELD;
import static io.herald.protocol.message.NotificationCode.MALFORMED_ATTRIBUTE_LIST;
import static io.herald.protocol.message.NotificationCode.MISSING_WELL_KNOWN_ATTRIBUTE;

import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.message.Afi;
import io.herald.protocol.message.Update;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.Prefix;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * UPDATE body (RFC 4271 §4.3):
 *
 * <pre>
 * +-----------------------------------------------------+
 * |   Withdrawn Routes Length (2 octets)                |
 * |   Withdrawn Routes (variable)                       |
 * |   Total Path Attribute Length (2 octets)            |
 * |   Path Attributes (variable)                        |
 * |   Network Layer Reachability Information (variable) |
 * +-----------------------------------------------------+
 * </pre>
 */
final class UpdateCodec {
  private UpdateCodec() {}

  /** Decodes the body {@code [off, end)}; throws only for errors that reset the session. */
  static Inbound.Message decode(byte[] b, int off, int end, CodecContext ctx)
      throws FrameException {
    int withdrawnLen = Wire.u16(b, off);
    // RFC 4271 §6.3 / RFC 7606 §5.3: lengths that do not fit the message are fatal, because the
    // NLRI can no longer be found.
    if (off + 2 + withdrawnLen + 2 > end) {
      throw new FrameException(BgpError.reset(MALFORMED_ATTRIBUTE_LIST,
          "Withdrawn Routes Length " + withdrawnLen + " overruns the message"));
    }
    int withdrawnOff = off + 2;
    int attrLenPos = withdrawnOff + withdrawnLen;
    int attrLen = Wire.u16(b, attrLenPos);
    int attrOff = attrLenPos + 2;
    if (attrOff + attrLen > end) {
      throw new FrameException(BgpError.reset(MALFORMED_ATTRIBUTE_LIST,
          "Total Path Attribute Length " + attrLen + " overruns the message"));
    }
    List<Prefix> withdrawn = prefixes(b, withdrawnOff, withdrawnLen, "Withdrawn Routes");
    int nlriOff = attrOff + attrLen;
    List<Prefix> nlri = prefixes(b, nlriOff, end - nlriOff, "NLRI");

    List<BgpError> issues = new ArrayList<>();
    AttributesCodec.Decoded attrs = AttributesCodec.decode(b, attrOff, attrLen, ctx, issues);
    if (!attrs.listMalformed()) {
      checkMandatory(attrs, !nlri.isEmpty(), issues);
    }
    return new Inbound.Message(new Update(withdrawn, attrs.attributes(), nlri), issues);
  }

  private static List<Prefix> prefixes(byte[] b, int off, int len, String field)
      throws FrameException {
    try {
      return NlriCodec.decode(b, off, len, false, INVALID_NETWORK_FIELD);
    } catch (AttributeException e) {
      throw new FrameException(BgpError.reset(INVALID_NETWORK_FIELD,
          field + ": " + e.getMessage()));
    }
  }

  /**
   * RFC 7606 §3(d): with NLRI present, a missing ORIGIN or AS_PATH (and NEXT_HOP when the NLRI
   * is in the message's own field, RFC 4760 §3) is treat-as-withdraw; the data field is the
   * missing type code (RFC 4271 §6.3). Without NLRI nothing is required.
   */
  private static void checkMandatory(AttributesCodec.Decoded attrs, boolean bodyNlri,
      List<BgpError> issues) {
    boolean mpNlri = false;
    for (PathAttribute a : attrs.attributes()) {
      if (a instanceof MpReachNlri r && !r.nlri().isEmpty()) {
        mpNlri = true;
      }
    }
    if (!bodyNlri && !mpNlri) {
      return;
    }
    missing(attrs, PathAttribute.ORIGIN, issues);
    missing(attrs, PathAttribute.AS_PATH, issues);
    if (bodyNlri) {
      missing(attrs, PathAttribute.NEXT_HOP, issues);
    }
  }

  private static void missing(AttributesCodec.Decoded attrs, int type, List<BgpError> issues) {
    if (!attrs.seen()[type]) {
      issues.add(new BgpError(MISSING_WELL_KNOWN_ATTRIBUTE, Octets.of(type),
          ErrorAction.TREAT_AS_WITHDRAW, "missing well-known attribute " + type));
    }
  }

  static void encode(Update u, CodecContext ctx, ByteBuf out) {
    int withdrawnLenAt = out.writerIndex();
    out.writeShort(0);
    for (Prefix p : u.withdrawn()) {
      AttributesCodec.checkFamily(p, Afi.IPV4); // IPv6 goes in MP_UNREACH_NLRI (RFC 4760)
      NlriCodec.write(p, out);
    }
    out.setShort(withdrawnLenAt, out.writerIndex() - withdrawnLenAt - 2);
    int attrLenAt = out.writerIndex();
    out.writeShort(0);
    AttributesCodec.encode(u.attributes(), ctx, out);
    out.setShort(attrLenAt, out.writerIndex() - attrLenAt - 2);
    for (Prefix p : u.nlri()) {
      AttributesCodec.checkFamily(p, Afi.IPV4);
      NlriCodec.write(p, out);
    }
  }
}
