package io.herald.protocol.codec;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.attribute.MultiExitDisc;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Afi;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Safi;
import io.herald.protocol.message.Update;
import io.herald.protocol.rib.PathAttributes;
import io.herald.protocol.types.Prefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Packs route changes into as few UPDATE messages as the session's maximum message size allows
 * (4096, or 65535 with RFC 8654 extended messages), the way BIRD's buckets do: one attribute
 * block per attribute set, followed by as many prefixes as fit.
 *
 * <ul>
 *   <li>IPv4 withdrawals go in the Withdrawn Routes field, many per message (RFC 4271 §4.3);
 *   <li>IPv6 withdrawals go in MP_UNREACH_NLRI (RFC 4760 §4);
 *   <li>IPv4 announcements go in the NLRI field after ORIGIN, AS_PATH, NEXT_HOP and the optional
 *       attributes present in the {@link PathAttributes};
 *   <li>IPv6 announcements go in MP_REACH_NLRI with the global (and link-local) next hop
 *       (RFC 4760 §3, RFC 2545 §3).
 * </ul>
 *
 * <p>Messages come out in that order: all withdrawals first, then announcements grouped by
 * attribute set, so a prefix that is both withdrawn and announced in one call ends announced.
 *
 * <p>This is the hot path of a full-table send: each attribute block is encoded once per call,
 * every message is built in one scratch array of the maximum size and copied out once; no
 * prefix causes an allocation.
 */
public final class UpdatePacker {
  private static final int HEADER = MessageDecoder.HEADER_LENGTH;
  /** Header plus the two 2-octet length fields of an UPDATE. */
  private static final int EMPTY_UPDATE = HEADER + 4;
  /** An MP attribute header always with the 2-octet length: flags, type, length. */
  private static final int MP_HEADER = 4;
  private static final int MP_FLAGS =
      PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_EXTENDED_LENGTH;

  private UpdatePacker() {}

  /**
   * The UPDATE messages, each a complete frame of at most {@code ctx.maxLength(UPDATE)} octets,
   * that withdraw {@code withdrawn} and announce each prefix of {@code announced} with its
   * attribute set.
   *
   * @throws IllegalArgumentException when an attribute set's next hop does not match the family
   *     of its prefixes, or its attributes alone do not fit a message
   */
  public static List<byte[]> pack(Collection<Prefix> withdrawn,
      Map<PathAttributes, ? extends Collection<Prefix>> announced, CodecContext ctx) {
    int max = ctx.maxLength(MessageType.UPDATE);
    byte[] scratch = new byte[max];
    Arrays.fill(scratch, 0, MessageDecoder.MARKER_LENGTH, (byte) 0xff);
    scratch[18] = (byte) MessageType.UPDATE.code();
    List<byte[]> frames = new ArrayList<>();
    withdrawIpv4(withdrawn, scratch, max, frames);
    withdrawIpv6(withdrawn, scratch, max, frames);
    for (Map.Entry<PathAttributes, ? extends Collection<Prefix>> e : announced.entrySet()) {
      PathAttributes pa = e.getKey();
      Collection<Prefix> prefixes = e.getValue();
      int v4 = 0;
      int v6 = 0;
      for (Prefix p : prefixes) {
        if (p.isIpv4()) {
          v4++;
        } else {
          v6++;
        }
      }
      if (v4 > 0) {
        if (!(pa.nextHop() instanceof Inet4Address)) {
          throw new IllegalArgumentException("IPv4 prefixes need an IPv4 next hop: " + pa);
        }
        announceIpv4(pa, prefixes, ctx, scratch, max, frames);
      }
      if (v6 > 0) {
        if (!(pa.nextHop() instanceof Inet6Address)) {
          throw new IllegalArgumentException("IPv6 prefixes need an IPv6 next hop: " + pa);
        }
        announceIpv6(pa, prefixes, ctx, scratch, max, frames);
      }
    }
    return frames;
  }

  /** End-of-RIB for {@code family} (RFC 4724 §2): an empty UPDATE, or an empty MP_UNREACH_NLRI. */
  public static byte[] endOfRib(AddressFamily family) {
    return MessageEncoder.encode(Update.endOfRib(family), CodecContext.INITIAL);
  }

  // Layout: header | withdrawn length @19 | prefixes @21.. | total path attribute length = 0.
  private static void withdrawIpv4(Collection<Prefix> withdrawn, byte[] f, int max,
      List<byte[]> frames) {
    int start = HEADER + 2;
    int limit = max - 2;
    int pos = start;
    for (Prefix p : withdrawn) {
      if (!p.isIpv4()) {
        continue;
      }
      if (pos + 1 + p.significantOctets() > limit) {
        frames.add(finishWithdrawIpv4(f, pos, start));
        pos = start;
      }
      pos = NlriCodec.write(p, f, pos);
    }
    if (pos > start) {
      frames.add(finishWithdrawIpv4(f, pos, start));
    }
  }

  private static byte[] finishWithdrawIpv4(byte[] f, int pos, int start) {
    putShort(f, HEADER, pos - start);
    putShort(f, pos, 0);
    putShort(f, 16, pos + 2);
    return Arrays.copyOf(f, pos + 2);
  }

  // Layout: header | 0000 | attr length @21 | 0x90 0x0f length @23 | AFI SAFI @27 | prefixes @30..
  private static void withdrawIpv6(Collection<Prefix> withdrawn, byte[] f, int max,
      List<byte[]> frames) {
    int attrStart = EMPTY_UPDATE;
    int valueStart = attrStart + MP_HEADER;
    int start = valueStart + 3;
    boolean templated = false;
    int pos = start;
    for (Prefix p : withdrawn) {
      if (!p.isIpv6()) {
        continue;
      }
      if (!templated) {
        putShort(f, HEADER, 0);
        f[attrStart] = (byte) MP_FLAGS;
        f[attrStart + 1] = (byte) PathAttribute.MP_UNREACH_NLRI;
        putShort(f, valueStart, Afi.IPV6.code());
        f[valueStart + 2] = (byte) Safi.UNICAST.code();
        templated = true;
      }
      if (pos + 1 + p.significantOctets() > max) {
        frames.add(finishMp(f, pos, attrStart, valueStart, null));
        pos = start;
      }
      pos = NlriCodec.write(p, f, pos);
    }
    if (pos > start) {
      frames.add(finishMp(f, pos, attrStart, valueStart, null));
    }
  }

  // Layout: header | 0000 | attr length @21 | attribute block @23 | NLRI..
  private static void announceIpv4(PathAttributes pa, Collection<Prefix> prefixes,
      CodecContext ctx, byte[] f, int max, List<byte[]> frames) {
    byte[] block = attributeBlock(pa, ctx, true);
    int start = EMPTY_UPDATE + block.length;
    if (start + 5 > max) {
      throw new IllegalArgumentException("attributes of " + block.length + " octets leave no room");
    }
    putShort(f, HEADER, 0);
    putShort(f, HEADER + 2, block.length);
    System.arraycopy(block, 0, f, EMPTY_UPDATE, block.length);
    int pos = start;
    for (Prefix p : prefixes) {
      if (!p.isIpv4()) {
        continue;
      }
      if (pos + 1 + p.significantOctets() > max) {
        putShort(f, 16, pos);
        frames.add(Arrays.copyOf(f, pos));
        pos = start;
      }
      pos = NlriCodec.write(p, f, pos);
    }
    if (pos > start) {
      putShort(f, 16, pos);
      frames.add(Arrays.copyOf(f, pos));
    }
  }

  /*
   * Layout: header | 0000 | attr length @21 | attributes below 14 | MP_REACH_NLRI header and
   * next hop | NLRI.. | attributes above 14. Keeping MP_REACH_NLRI in its place keeps the
   * attributes in ascending type order (RFC 4271 §5).
   */
  private static void announceIpv6(PathAttributes pa, Collection<Prefix> prefixes,
      CodecContext ctx, byte[] f, int max, List<byte[]> frames) {
    byte[] block = attributeBlock(pa, ctx, false);
    int split = splitBefore(block, PathAttribute.MP_REACH_NLRI);
    byte[] high = Arrays.copyOfRange(block, split, block.length);
    int attrStart = EMPTY_UPDATE + split;
    int valueStart = attrStart + MP_HEADER;
    int nhLen = pa.linkLocalNextHop().isPresent() ? 32 : 16;
    int start = valueStart + 3 + 1 + nhLen + 1;
    int limit = max - high.length;
    if (start + 17 > limit) {
      throw new IllegalArgumentException("attributes of " + block.length + " octets leave no room");
    }
    putShort(f, HEADER, 0);
    System.arraycopy(block, 0, f, EMPTY_UPDATE, split);
    f[attrStart] = (byte) MP_FLAGS;
    f[attrStart + 1] = (byte) PathAttribute.MP_REACH_NLRI;
    putShort(f, valueStart, Afi.IPV6.code());
    f[valueStart + 2] = (byte) Safi.UNICAST.code();
    f[valueStart + 3] = (byte) nhLen;
    System.arraycopy(pa.nextHop().getAddress(), 0, f, valueStart + 4, 16);
    pa.linkLocalNextHop().ifPresent(
        ll -> System.arraycopy(ll.getAddress(), 0, f, valueStart + 20, 16));
    f[valueStart + 4 + nhLen] = 0; // Reserved
    int pos = start;
    for (Prefix p : prefixes) {
      if (!p.isIpv6()) {
        continue;
      }
      if (pos + 1 + p.significantOctets() > limit) {
        frames.add(finishMp(f, pos, attrStart, valueStart, high));
        pos = start;
      }
      pos = NlriCodec.write(p, f, pos);
    }
    if (pos > start) {
      frames.add(finishMp(f, pos, attrStart, valueStart, high));
    }
  }

  /** Sets the MP attribute length, appends {@code high}, sets the path attribute and message lengths. */
  private static byte[] finishMp(byte[] f, int pos, int attrStart, int valueStart, byte[] high) {
    putShort(f, attrStart + 2, pos - valueStart);
    int end = pos;
    if (high != null && high.length > 0) {
      System.arraycopy(high, 0, f, pos, high.length);
      end += high.length;
    }
    putShort(f, HEADER + 2, end - EMPTY_UPDATE);
    putShort(f, 16, end);
    return Arrays.copyOf(f, end);
  }

  /**
   * The attributes of {@code pa} as they go on the wire, in ascending type order; NEXT_HOP only
   * for IPv4 (IPv6 carries its next hop in MP_REACH_NLRI).
   */
  static byte[] attributeBlock(PathAttributes pa, CodecContext ctx, boolean ipv4) {
    List<PathAttribute> list = new ArrayList<>(8);
    list.add(pa.origin());
    list.add(pa.asPath() == null ? AsPath.EMPTY : pa.asPath());
    if (ipv4) {
      list.add(new NextHop((Inet4Address) pa.nextHop()));
    }
    pa.multiExitDisc().ifPresent(v -> list.add(new MultiExitDisc(v)));
    pa.localPref().ifPresent(v -> list.add(new LocalPref(v)));
    if (!pa.communities().isEmpty()) {
      list.add(new Communities(pa.communities()));
    }
    if (!pa.largeCommunities().isEmpty()) {
      list.add(new LargeCommunities(pa.largeCommunities()));
    }
    ByteBuf out = Unpooled.buffer(64);
    try {
      AttributesCodec.encode(list, ctx, out);
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** Offset of the first attribute in {@code block} whose type code is above {@code type}. */
  private static int splitBefore(byte[] block, int type) {
    int pos = 0;
    while (pos < block.length) {
      int flags = block[pos] & 0xff;
      if ((block[pos + 1] & 0xff) > type) {
        return pos;
      }
      boolean ext = (flags & PathAttribute.FLAG_EXTENDED_LENGTH) != 0;
      int len = ext ? ((block[pos + 2] & 0xff) << 8) | (block[pos + 3] & 0xff) : block[pos + 2] & 0xff;
      pos += (ext ? 4 : 3) + len;
    }
    return pos;
  }

  private static void putShort(byte[] b, int pos, int v) {
    b[pos] = (byte) (v >>> 8);
    b[pos + 1] = (byte) v;
  }
}
