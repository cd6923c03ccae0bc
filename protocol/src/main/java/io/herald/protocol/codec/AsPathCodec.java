package io.herald.protocol.codec;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.AsPathSegment;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.types.Asn;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * AS_PATH and AS4_PATH segments (RFC 4271 §4.3, RFC 6793 §3), and the reconciliation of the two
 * on a session without the 4-octet AS capability (RFC 6793 §4.2.3):
 *
 * <pre>
 * +--------------+----------------+---------------------------------+
 * | segment type | segment length | length x ASN (2 or 4 octets)    |
 * +--------------+----------------+---------------------------------+
 * </pre>
 */
final class AsPathCodec {
  private AsPathCodec() {}

  /**
   * Reads the segments of an AS_PATH value with {@code asnSize}-octet ASNs. Malformed per
   * RFC 7606 §7.2: an unknown segment type, a zero segment length, or a segment overrunning the
   * attribute.
   */
  static List<AsPathSegment> decode(byte[] b, int off, int len, int asnSize)
      throws AttributeException {
    List<AsPathSegment> segments = new ArrayList<>();
    int pos = off;
    int end = off + len;
    while (pos < end) {
      if (end - pos < 2) {
        throw malformed("truncated segment header");
      }
      int typeCode = b[pos] & 0xff;
      int count = b[pos + 1] & 0xff;
      AsPathSegment.Type type = AsPathSegment.Type.fromCode(typeCode).orElse(null);
      if (type == null) {
        throw malformed("segment type " + typeCode);
      }
      if (count == 0) {
        throw malformed("empty segment");
      }
      pos += 2;
      if (end - pos < count * asnSize) {
        throw malformed("segment of " + count + " ASNs overruns the attribute");
      }
      List<Asn> asns = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long v = asnSize == 4 ? Wire.u32(b, pos) : Wire.u16(b, pos);
        asns.add(new Asn(v));
        pos += asnSize;
      }
      segments.add(new AsPathSegment(type, asns));
    }
    return segments;
  }

  private static AttributeException malformed(String detail) {
    return new AttributeException(NotificationCode.MALFORMED_AS_PATH, detail);
  }

  /** Writes segments with 4-octet ASNs, or 2-octet ones with AS_TRANS for those that do not fit. */
  static void write(List<AsPathSegment> segments, boolean fourOctet, ByteBuf out) {
    for (AsPathSegment s : segments) {
      out.writeByte(s.type().code());
      out.writeByte(s.asns().size());
      for (Asn a : s.asns()) {
        if (fourOctet) {
          out.writeInt((int) a.value());
        } else {
          out.writeShort(a.twoOctetOrTrans());
        }
      }
    }
  }

  /** True when the path needs AS4_PATH beside a 2-octet AS_PATH (RFC 6793 §4.2.2). */
  static boolean needsAs4Path(AsPath path) {
    for (AsPathSegment s : path.segments()) {
      for (Asn a : s.asns()) {
        if (!a.isTwoOctet()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The AS4_PATH segments of a path: confederation segments never go there (RFC 6793 §3). */
  static List<AsPathSegment> as4Segments(AsPath path) {
    List<AsPathSegment> out = new ArrayList<>(path.segments().size());
    for (AsPathSegment s : path.segments()) {
      if (!isConfed(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean isConfed(AsPathSegment s) {
    return s.type() == AsPathSegment.Type.AS_CONFED_SEQUENCE
        || s.type() == AsPathSegment.Type.AS_CONFED_SET;
  }

  /** Path length for RFC 6793 §4.2.3: AS_SET counts 1, confederation segments count 0. */
  static int count(List<AsPathSegment> segments) {
    return new AsPath(segments).pathLength();
  }

  /**
   * RFC 6793 §4.2.3: the real path from a 2-octet AS_PATH and an AS4_PATH. If AS_PATH is shorter
   * than AS4_PATH, AS4_PATH is ignored. Otherwise the result is the leading ASNs of AS_PATH
   * (those AS4_PATH does not cover: they were added by speakers without AS4 support) followed by
   * AS4_PATH. Confederation segments found in AS4_PATH are dropped (RFC 6793 §6).
   */
  static List<AsPathSegment> reconcile(List<AsPathSegment> asPath, List<AsPathSegment> as4Path) {
    List<AsPathSegment> as4 = new ArrayList<>(as4Path.size());
    for (AsPathSegment s : as4Path) {
      if (!isConfed(s)) {
        as4.add(s);
      }
    }
    int remaining = count(asPath) - count(as4);
    if (remaining < 0) {
      return asPath;
    }
    List<AsPathSegment> out = new ArrayList<>();
    for (AsPathSegment s : asPath) {
      if (isConfed(s)) {
        out.add(s); // counts 0: leading confederation segments stay with the prefix
        continue;
      }
      if (remaining == 0) {
        break;
      }
      if (s.type() == AsPathSegment.Type.AS_SET) {
        out.add(s);
        remaining--;
        continue;
      }
      int take = Math.min(remaining, s.asns().size());
      out.add(take == s.asns().size() ? s
          : new AsPathSegment(s.type(), s.asns().subList(0, take)));
      remaining -= take;
    }
    // Drop confederation segments picked up after the last counted ASN: they belong to the part
    // AS4_PATH replaces.
    while (!out.isEmpty() && isConfed(out.get(out.size() - 1)) && remainingWasZeroBefore(out)) {
      out.remove(out.size() - 1);
    }
    for (int i = 0; i < as4.size(); i++) {
      AsPathSegment s = as4.get(i);
      AsPathSegment last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (i == 0 && last != null && last.type() == AsPathSegment.Type.AS_SEQUENCE
          && s.type() == AsPathSegment.Type.AS_SEQUENCE
          && last.asns().size() + s.asns().size() <= 255) {
        // One sequence cut in two at the join of the old and new speakers' parts: join it again.
        List<Asn> joined = new ArrayList<>(last.asns());
        joined.addAll(s.asns());
        out.set(out.size() - 1, new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, joined));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** True when a counted (non-confederation) segment precedes the trailing confederation ones. */
  private static boolean remainingWasZeroBefore(List<AsPathSegment> out) {
    for (AsPathSegment s : out) {
      if (!isConfed(s)) {
        return true;
      }
    }
    return false;
  }
}
