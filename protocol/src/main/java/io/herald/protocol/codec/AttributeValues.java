package io.herald.protocol.codec;

import static io.herald.protocol.message.NotificationCode.ATTRIBUTE_LENGTH_ERROR;
import static io.herald.protocol.message.NotificationCode.INVALID_NEXT_HOP_ATTRIBUTE;
import static io.herald.protocol.message.NotificationCode.INVALID_ORIGIN_ATTRIBUTE;
import static io.herald.protocol.message.NotificationCode.OPTIONAL_ATTRIBUTE_ERROR;

import io.herald.protocol.attribute.Aggregator;
import io.herald.protocol.attribute.As4Aggregator;
import io.herald.protocol.attribute.As4Path;
import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.AtomicAggregate;
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
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Afi;
import io.herald.protocol.message.Safi;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Prefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value decoders of {@link AttributeSpec}: each checks one attribute's value and says what is
 * wrong with it. Length mismatches are Attribute Length Error (3/5, RFC 4271 §6.3); a bad value of
 * an optional attribute is Optional Attribute Error (3/9).
 */
final class AttributeValues {
  private AttributeValues() {}

  /** RFC 4271 §5.1.1: one octet, 0 IGP, 1 EGP, 2 INCOMPLETE. */
  static PathAttribute origin(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    exactLength("ORIGIN", len, 1);
    int v = Wire.u8(b, off);
    return Origin.fromCode(v).orElseThrow(
        () -> new AttributeException(INVALID_ORIGIN_ATTRIBUTE, "ORIGIN value " + v));
  }

  /** RFC 4271 §4.3 with the session's ASN size (RFC 6793 §4). */
  static PathAttribute asPath(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    return new AsPath(AsPathCodec.decode(b, off, len, ctx.fourOctetAs() ? 4 : 2));
  }

  /**
   * RFC 4271 §5.1.3 and §6.3: four octets holding a valid host address; 0.0.0.0, the limited
   * broadcast address and multicast (224/4) are not (RFC 7606 §7.3: semantically incorrect).
   */
  static PathAttribute nextHop(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    exactLength("NEXT_HOP", len, 4);
    long v = Wire.u32(b, off);
    if (v == 0 || v == 0xFFFF_FFFFL || (v >>> 28) == 0xE) {
      throw new AttributeException(INVALID_NEXT_HOP_ATTRIBUTE, "NEXT_HOP is not a host address");
    }
    return new NextHop(Wire.ipv4(b, off));
  }

  static PathAttribute multiExitDisc(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    exactLength("MULTI_EXIT_DISC", len, 4);
    return new MultiExitDisc(Wire.u32(b, off));
  }

  static PathAttribute localPref(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    exactLength("LOCAL_PREF", len, 4);
    return new LocalPref(Wire.u32(b, off));
  }

  static PathAttribute atomicAggregate(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    exactLength("ATOMIC_AGGREGATE", len, 0);
    return AtomicAggregate.INSTANCE;
  }

  /** RFC 4271 §5.1.7: AS then IPv4 address; the AS is 4 octets on an AS4 session (RFC 6793 §4.1). */
  static PathAttribute aggregator(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    int asnSize = ctx.fourOctetAs() ? 4 : 2;
    exactLength("AGGREGATOR", len, asnSize + 4);
    long asn = asnSize == 4 ? Wire.u32(b, off) : Wire.u16(b, off);
    return new Aggregator(new Asn(asn), Wire.ipv4(b, off + asnSize));
  }

  /** RFC 1997; RFC 7606 §7.8: malformed unless the length is a non-zero multiple of 4. */
  static PathAttribute communities(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    if (len == 0 || len % 4 != 0) {
      throw new AttributeException(ATTRIBUTE_LENGTH_ERROR, "COMMUNITIES length " + len);
    }
    List<Community> list = new ArrayList<>(len / 4);
    for (int p = off; p < off + len; p += 4) {
      list.add(new Community(Wire.u32(b, p)));
    }
    return new Communities(list);
  }

  /** RFC 8092 §5: malformed unless the length is a non-zero multiple of 12. */
  static PathAttribute largeCommunities(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    if (len == 0 || len % 12 != 0) {
      throw new AttributeException(ATTRIBUTE_LENGTH_ERROR, "LARGE_COMMUNITY length " + len);
    }
    List<LargeCommunity> list = new ArrayList<>(len / 12);
    for (int p = off; p < off + len; p += 12) {
      list.add(new LargeCommunity(Wire.u32(b, p), Wire.u32(b, p + 4), Wire.u32(b, p + 8)));
    }
    return new LargeCommunities(list);
  }

  /** RFC 6793 §3: always 4-octet ASNs. */
  static PathAttribute as4Path(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    try {
      return new As4Path(AsPathCodec.decode(b, off, len, 4));
    } catch (AttributeException e) {
      throw new AttributeException(OPTIONAL_ATTRIBUTE_ERROR, "AS4_PATH: " + e.getMessage());
    }
  }

  static PathAttribute as4Aggregator(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    exactLength("AS4_AGGREGATOR", len, 8);
    return new As4Aggregator(new Asn(Wire.u32(b, off)), Wire.ipv4(b, off + 4));
  }

  /**
   * RFC 4760 §3:
   *
   * <pre>
   * +---------------------------------------------------------+
   * | Address Family Identifier (2 octets)                    |
   * | Subsequent Address Family Identifier (1 octet)          |
   * | Length of Next Hop Network Address (1 octet)            |
   * | Network Address of Next Hop (variable)                  |
   * | Reserved (1 octet)                                      |
   * | Network Layer Reachability Information (variable)       |
   * +---------------------------------------------------------+
   * </pre>
   *
   * An IPv6 next hop is 16 octets, or 32 with a link-local address after the global one
   * (RFC 2545 §3).
   */
  static PathAttribute mpReach(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    if (len < 5) {
      throw optionalError("MP_REACH_NLRI length " + len);
    }
    AddressFamily family = family(b, off, ctx, "MP_REACH_NLRI");
    int nhLen = Wire.u8(b, off + 3);
    if (4 + nhLen + 1 > len) {
      throw optionalError("MP_REACH_NLRI next hop length " + nhLen + " overruns the attribute");
    }
    int nh = off + 4;
    InetAddress nextHop;
    Optional<Inet6Address> linkLocal = Optional.empty();
    if (family.afi() == Afi.IPV4) {
      if (nhLen != 4) {
        throw optionalError("IPv4 next hop length " + nhLen);
      }
      nextHop = Wire.ipv4(b, nh);
    } else {
      if (nhLen != 16 && nhLen != 32) {
        throw optionalError("IPv6 next hop length " + nhLen);
      }
      nextHop = Wire.ipv6(b, nh);
      if (nhLen == 32) {
        linkLocal = Optional.of(Wire.ipv6(b, nh + 16));
      }
    }
    int nlriOff = nh + nhLen + 1; // the Reserved octet is ignored on receipt (RFC 4760 §3)
    List<Prefix> nlri = NlriCodec.decode(b, nlriOff, off + len - nlriOff,
        family.afi() == Afi.IPV6, OPTIONAL_ATTRIBUTE_ERROR);
    return new MpReachNlri(family, nextHop, linkLocal, nlri);
  }

  /** RFC 4760 §4: AFI (2), SAFI (1), withdrawn routes. */
  static PathAttribute mpUnreach(byte[] b, int off, int len, CodecContext ctx)
      throws AttributeException {
    if (len < 3) {
      throw optionalError("MP_UNREACH_NLRI length " + len);
    }
    AddressFamily family = family(b, off, ctx, "MP_UNREACH_NLRI");
    List<Prefix> withdrawn = NlriCodec.decode(b, off + 3, len - 3,
        family.afi() == Afi.IPV6, OPTIONAL_ATTRIBUTE_ERROR);
    return new MpUnreachNlri(family, withdrawn);
  }

  /**
   * The AFI/SAFI of an MP attribute. One the session did not negotiate (or we do not know) is not
   * malformed: the attribute is ignored, as a speaker must not send it (RFC 4760 §6).
   */
  private static AddressFamily family(byte[] b, int off, CodecContext ctx, String what)
      throws AttributeException {
    int afi = Wire.u16(b, off);
    int safi = Wire.u8(b, off + 2);
    Optional<Afi> a = Afi.fromCode(afi);
    Optional<Safi> s = Safi.fromCode(safi);
    if (a.isEmpty() || s.isEmpty() || !ctx.families().contains(new AddressFamily(a.get(), s.get()))) {
      throw new AttributeException(OPTIONAL_ATTRIBUTE_ERROR,
          what + " for AFI " + afi + " SAFI " + safi + " not negotiated",
          ErrorAction.ATTRIBUTE_DISCARD);
    }
    return new AddressFamily(a.get(), s.get());
  }

  private static void exactLength(String what, int len, int expected) throws AttributeException {
    if (len != expected) {
      throw new AttributeException(ATTRIBUTE_LENGTH_ERROR,
          what + " length " + len + ", expected " + expected);
    }
  }

  private static AttributeException optionalError(String detail) {
    return new AttributeException(OPTIONAL_ATTRIBUTE_ERROR, detail);
  }

  static boolean isIpv4(InetAddress a) {
    return a instanceof Inet4Address;
  }
}
