package io.herald.protocol.codec;

import static io.herald.protocol.message.NotificationCode.ATTRIBUTE_FLAGS_ERROR;
import static io.herald.protocol.message.NotificationCode.MALFORMED_ATTRIBUTE_LIST;
import static io.herald.protocol.message.NotificationCode.MALFORMED_AS_PATH;
import static io.herald.protocol.message.NotificationCode.OPTIONAL_ATTRIBUTE_ERROR;
import static io.herald.protocol.message.NotificationCode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE;

import io.herald.protocol.attribute.Aggregator;
import io.herald.protocol.attribute.As4Aggregator;
import io.herald.protocol.attribute.As4Path;
import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.MpUnreachNlri;
import io.herald.protocol.attribute.MultiExitDisc;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.attribute.Origin;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.attribute.UnknownAttribute;
import io.herald.protocol.message.Afi;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.Prefix;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The Path Attributes field of UPDATE (RFC 4271 §4.3), in both directions:
 *
 * <pre>
 * +-------+------+----------------------+-----------------+
 * | flags | type | length (1, or 2 when | value           |
 * |       | code | flags has 0x10)      |                 |
 * +-------+------+----------------------+-----------------+
 * </pre>
 *
 * Decoding collects every problem as a {@link BgpError} (RFC 7606) and throws only for a session
 * reset. On a session without the 4-octet AS capability it folds AS4_PATH and AS4_AGGREGATOR
 * into AS_PATH and AGGREGATOR (RFC 6793 §4.2.3), so the records always hold real ASNs; encoding
 * does the reverse (RFC 6793 §4.2.2).
 */
final class AttributesCodec {
  private AttributesCodec() {}

  /** What the attribute loop found. {@code seen[t]} is true when type t appeared on the wire. */
  record Decoded(List<PathAttribute> attributes, boolean[] seen, boolean listMalformed) {}

  static Decoded decode(byte[] b, int off, int len, CodecContext ctx, List<BgpError> issues)
      throws FrameException {
    List<PathAttribute> out = new ArrayList<>();
    boolean[] seen = new boolean[256];
    boolean listMalformed = false;
    As4Path as4Path = null;
    As4Aggregator as4Aggregator = null;
    int pos = off;
    int end = off + len;
    while (pos < end) {
      int start = pos;
      // RFC 7606 §4: fewer octets than a header, or a length running past the field, make the
      // whole list malformed: treat-as-withdraw, and the Total Path Attribute Length still
      // locates the NLRI.
      if (end - pos < 3) {
        listMalformed = true;
        break;
      }
      int flags = Wire.u8(b, pos);
      int type = Wire.u8(b, pos + 1);
      boolean extended = (flags & PathAttribute.FLAG_EXTENDED_LENGTH) != 0;
      int header = extended ? 4 : 3;
      if (end - pos < header) {
        listMalformed = true;
        break;
      }
      int valueLen = extended ? Wire.u16(b, pos + 2) : Wire.u8(b, pos + 2);
      if (end - pos - header < valueLen) {
        listMalformed = true;
        break;
      }
      int valueOff = pos + header;
      pos = valueOff + valueLen;
      AttributeSpec spec = AttributeSpec.byCode(type);

      if (seen[type]) {
        // RFC 7606 §3(g): a repeated MP_REACH/MP_UNREACH is fatal; any other repeat is dropped,
        // the first occurrence is kept.
        if (type == PathAttribute.MP_REACH_NLRI || type == PathAttribute.MP_UNREACH_NLRI) {
          throw new FrameException(BgpError.reset(MALFORMED_ATTRIBUTE_LIST,
              "attribute " + type + " repeated"));
        }
        issues.add(new BgpError(MALFORMED_ATTRIBUTE_LIST, Wire.slice(b, start, pos - start),
            ErrorAction.ATTRIBUTE_DISCARD, "attribute " + type + " repeated"));
        continue;
      }
      seen[type] = true;
      Octets tlv = null; // copied only when an issue needs it

      if (spec == null) {
        if ((flags & PathAttribute.FLAG_OPTIONAL) == 0) {
          // RFC 4271 §6.3: an unrecognized well-known attribute; data is the attribute.
          throw new FrameException(BgpError.reset(UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
              Wire.slice(b, start, pos - start), "unrecognized well-known attribute " + type));
        }
        // RFC 4271 §5: unrecognized optional attributes are kept (the Adj-RIB decides whether to
        // pass transitive ones on). The Extended Length bit is framing, not meaning: dropped.
        out.add(new UnknownAttribute(flags & 0xE0, type, Wire.slice(b, valueOff, valueLen)));
        continue;
      }

      if ((flags & AttributeSpec.Flags.CATEGORY_MASK) != spec.flags()) {
        // RFC 7606 §3(c): Optional/Transitive bits in conflict make the attribute malformed.
        tlv = Wire.slice(b, start, pos - start);
        report(issues, new BgpError(ATTRIBUTE_FLAGS_ERROR, tlv, spec.onMalformed(),
            spec + " flags 0x" + Integer.toHexString(flags)));
        continue;
      }

      if (ctx.fourOctetAs()
          && (spec == AttributeSpec.AS4_PATH || spec == AttributeSpec.AS4_AGGREGATOR)) {
        // RFC 6793 §6: between two AS4 speakers these must not appear; discard them.
        issues.add(new BgpError(OPTIONAL_ATTRIBUTE_ERROR, Wire.slice(b, start, pos - start),
            ErrorAction.ATTRIBUTE_DISCARD, spec + " on a 4-octet AS session"));
        continue;
      }

      PathAttribute a;
      try {
        a = spec.decode(b, valueOff, valueLen, ctx);
      } catch (AttributeException e) {
        // RFC 4271 §6.3 puts the attribute in the data field, except for Malformed AS_PATH.
        Octets data = e.code() == MALFORMED_AS_PATH ? Octets.EMPTY
            : Wire.slice(b, start, pos - start);
        report(issues, new BgpError(e.code(), data, e.action().orElse(spec.onMalformed()),
            e.getMessage()));
        continue;
      }
      if (a instanceof As4Path p) {
        as4Path = p;
      } else if (a instanceof As4Aggregator g) {
        as4Aggregator = g;
      } else {
        out.add(a);
      }
    }
    if (listMalformed) {
      issues.add(new BgpError(MALFORMED_ATTRIBUTE_LIST, Octets.EMPTY,
          ErrorAction.TREAT_AS_WITHDRAW, "attribute overruns the path attributes field"));
    }
    if (!ctx.fourOctetAs()) {
      reconcileAs4(out, as4Path, as4Aggregator);
    }
    return new Decoded(out, seen, listMalformed);
  }

  private static void report(List<BgpError> issues, BgpError e) throws FrameException {
    if (e.action() == ErrorAction.SESSION_RESET) {
      throw new FrameException(e);
    }
    issues.add(e);
  }

  /**
   * RFC 6793 §4.2.3. If AGGREGATOR holds a real AS (not AS_TRANS), the aggregating speaker was
   * an old one and both AS4 attributes are stale: ignore them. Otherwise AS4_AGGREGATOR names the
   * aggregator and AS4_PATH is merged into AS_PATH.
   */
  private static void reconcileAs4(List<PathAttribute> out, As4Path as4Path,
      As4Aggregator as4Aggregator) {
    int aggIndex = indexOf(out, PathAttribute.AGGREGATOR);
    if (aggIndex >= 0) {
      Aggregator agg = (Aggregator) out.get(aggIndex);
      if (!agg.asn().equals(Asn.AS_TRANS)) {
        return;
      }
      if (as4Aggregator != null) {
        out.set(aggIndex, new Aggregator(as4Aggregator.asn(), as4Aggregator.address()));
      }
    }
    int pathIndex = indexOf(out, PathAttribute.AS_PATH);
    if (as4Path != null && pathIndex >= 0) {
      AsPath p = (AsPath) out.get(pathIndex);
      out.set(pathIndex, new AsPath(AsPathCodec.reconcile(p.segments(), as4Path.segments())));
    }
  }

  private static int indexOf(List<PathAttribute> list, int typeCode) {
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof UnknownAttribute) && list.get(i).typeCode() == typeCode) {
        return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Writes the attributes in list order. On a 2-octet session AS_PATH and AGGREGATOR carry
   * AS_TRANS for 4-octet ASNs and AS4_PATH / AS4_AGGREGATOR are added, placed in ascending type
   * order (RFC 4271 §5: senders SHOULD order attributes so). As4Path and As4Aggregator records
   * are never written as given: they derive from AsPath and Aggregator per session.
   */
  static void encode(List<PathAttribute> attributes, CodecContext ctx, ByteBuf out) {
    As4Path as4Path = null;
    As4Aggregator as4Aggregator = null;
    if (!ctx.fourOctetAs()) {
      for (PathAttribute a : attributes) {
        if (a instanceof AsPath p && AsPathCodec.needsAs4Path(p)) {
          as4Path = new As4Path(AsPathCodec.as4Segments(p));
        }
      }
      for (PathAttribute a : attributes) {
        // A receiver ignores AS4_PATH when AGGREGATOR holds anything but AS_TRANS (RFC 6793
        // §4.2.3). So beside an AS4_PATH, even a 2-octet aggregator AS travels as AS_TRANS plus
        // AS4_AGGREGATOR; the receiver then takes both AS4 attributes and loses nothing.
        if (a instanceof Aggregator g && (!g.asn().isTwoOctet() || as4Path != null)) {
          as4Aggregator = new As4Aggregator(g.asn(), g.address());
        }
      }
    }
    boolean as4Written = as4Path == null && as4Aggregator == null;
    for (PathAttribute a : attributes) {
      if (a instanceof As4Path || a instanceof As4Aggregator) {
        continue;
      }
      if (!as4Written && !(a instanceof UnknownAttribute) && a.typeCode() > PathAttribute.AS4_AGGREGATOR) {
        writeAs4(as4Path, as4Aggregator, out);
        as4Written = true;
      }
      if (a instanceof Aggregator g && as4Aggregator != null) {
        int at = begin(out, AttributeSpec.Flags.OPTIONAL_TRANSITIVE, PathAttribute.AGGREGATOR);
        out.writeShort((int) Asn.AS_TRANS.value());
        out.writeBytes(g.address().getAddress());
        end(out, at, false);
        continue;
      }
      encode(a, ctx, out);
    }
    if (!as4Written) {
      writeAs4(as4Path, as4Aggregator, out);
    }
  }

  private static void writeAs4(As4Path p, As4Aggregator g, ByteBuf out) {
    if (p != null) {
      int at = begin(out, AttributeSpec.Flags.OPTIONAL_TRANSITIVE, PathAttribute.AS4_PATH);
      AsPathCodec.write(p.segments(), true, out);
      end(out, at, false);
    }
    if (g != null) {
      int at = begin(out, AttributeSpec.Flags.OPTIONAL_TRANSITIVE, PathAttribute.AS4_AGGREGATOR);
      out.writeInt((int) g.asn().value());
      out.writeBytes(g.address().getAddress());
      end(out, at, false);
    }
  }

  /** Writes one attribute with the flags RFC 4271 §5 gives its type. */
  static void encode(PathAttribute a, CodecContext ctx, ByteBuf out) {
    if (a instanceof UnknownAttribute u) {
      int at = begin(out, u.flags() & 0xE0, u.typeCode());
      out.writeBytes(u.value().toByteArray());
      end(out, at, false);
      return;
    }
    AttributeSpec spec = AttributeSpec.byCode(a.typeCode());
    int at = begin(out, spec.flags(), spec.code());
    switch (spec) {
      case ORIGIN -> out.writeByte(((Origin) a).code());
      case AS_PATH -> AsPathCodec.write(((AsPath) a).segments(), ctx.fourOctetAs(), out);
      case NEXT_HOP -> out.writeBytes(((NextHop) a).address().getAddress());
      case MULTI_EXIT_DISC -> out.writeInt((int) ((MultiExitDisc) a).value());
      case LOCAL_PREF -> out.writeInt((int) ((LocalPref) a).value());
      case ATOMIC_AGGREGATE -> { }
      case AGGREGATOR -> {
        Aggregator g = (Aggregator) a;
        if (ctx.fourOctetAs()) {
          out.writeInt((int) g.asn().value());
        } else {
          out.writeShort(g.asn().twoOctetOrTrans());
        }
        out.writeBytes(g.address().getAddress());
      }
      case COMMUNITIES -> {
        for (Community c : ((Communities) a).communities()) {
          out.writeInt((int) c.value());
        }
      }
      case LARGE_COMMUNITY -> {
        for (LargeCommunity c : ((LargeCommunities) a).communities()) {
          out.writeInt((int) c.globalAdministrator());
          out.writeInt((int) c.localData1());
          out.writeInt((int) c.localData2());
        }
      }
      case MP_REACH_NLRI -> writeMpReach((MpReachNlri) a, out);
      case MP_UNREACH_NLRI -> {
        MpUnreachNlri u = (MpUnreachNlri) a;
        out.writeShort(u.family().afi().code());
        out.writeByte(u.family().safi().code());
        for (Prefix p : u.withdrawn()) {
          checkFamily(p, u.family().afi());
          NlriCodec.write(p, out);
        }
      }
      case AS4_PATH, AS4_AGGREGATOR -> throw new IllegalStateException("derived, never given");
    }
    end(out, at, false);
  }

  private static void writeMpReach(MpReachNlri r, ByteBuf out) {
    out.writeShort(r.family().afi().code());
    out.writeByte(r.family().safi().code());
    if (r.family().afi() == Afi.IPV4) {
      if (!(r.nextHop() instanceof Inet4Address) || r.linkLocalNextHop().isPresent()) {
        throw new IllegalArgumentException("IPv4 MP_REACH_NLRI needs one IPv4 next hop");
      }
      out.writeByte(4);
      out.writeBytes(r.nextHop().getAddress());
    } else {
      if (!(r.nextHop() instanceof Inet6Address)) {
        throw new IllegalArgumentException("IPv6 MP_REACH_NLRI needs an IPv6 next hop");
      }
      out.writeByte(r.linkLocalNextHop().isPresent() ? 32 : 16);
      out.writeBytes(r.nextHop().getAddress());
      r.linkLocalNextHop().ifPresent(ll -> out.writeBytes(ll.getAddress()));
    }
    out.writeByte(0); // Reserved (RFC 4760 §3)
    for (Prefix p : r.nlri()) {
      checkFamily(p, r.family().afi());
      NlriCodec.write(p, out);
    }
  }

  static void checkFamily(Prefix p, Afi afi) {
    if (p.isIpv6() != (afi == Afi.IPV6)) {
      throw new IllegalArgumentException(p + " is not " + afi);
    }
  }

  /** Writes flags and type and reserves a 2-octet length; {@link #end} fixes it up. */
  private static int begin(ByteBuf out, int flags, int type) {
    int at = out.writerIndex();
    out.writeByte(flags | PathAttribute.FLAG_EXTENDED_LENGTH);
    out.writeByte(type);
    out.writeShort(0);
    return at;
  }

  /**
   * Sets the length. Values up to 255 octets use the 1-octet length (the Extended Length bit is
   * used only when needed, RFC 4271 §4.3), so the value moves back by one octet.
   */
  private static void end(ByteBuf out, int at, boolean forceExtended) {
    int valueLen = out.writerIndex() - at - 4;
    if (valueLen > 0xFFFF) {
      throw new IllegalArgumentException("attribute value of " + valueLen + " octets");
    }
    if (valueLen <= 255 && !forceExtended) {
      byte[] value = new byte[valueLen];
      out.getBytes(at + 4, value);
      out.setByte(at, out.getByte(at) & ~PathAttribute.FLAG_EXTENDED_LENGTH);
      out.setByte(at + 2, valueLen);
      out.setBytes(at + 3, value);
      out.writerIndex(at + 3 + valueLen);
    } else {
      out.setShort(at + 2, valueLen);
    }
  }
}
