package io.herald.protocol.codec;

import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.types.Prefix;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefixes as they travel in Withdrawn Routes, NLRI, MP_REACH_NLRI and MP_UNREACH_NLRI
 * (RFC 4271 §4.3, RFC 4760 §5):
 *
 * <pre>
 * +---------------------------+
 * |   Length (1 octet, bits)  |
 * +---------------------------+
 * |   Prefix (ceil(Length/8)) |
 * +---------------------------+
 * </pre>
 */
final class NlriCodec {
  private NlriCodec() {}

  /**
   * Reads every prefix in {@code [off, off+len)}. A length beyond 32/128 or a prefix running past
   * the end is reported with {@code code} (3/10 for the message's own fields, RFC 7606 §5.3;
   * 3/9 inside MP_REACH/MP_UNREACH, RFC 4760 §7).
   */
  static List<Prefix> decode(byte[] b, int off, int len, boolean ipv6, NotificationCode code)
      throws AttributeException {
    if (len == 0) {
      return List.of();
    }
    int max = ipv6 ? 128 : 32;
    int pos = off;
    int end = off + len;
    List<Prefix> out = new ArrayList<>();
    while (pos < end) {
      int bits = b[pos] & 0xff;
      if (bits > max) {
        throw new AttributeException(code, "prefix length " + bits + " above " + max);
      }
      int octets = (bits + 7) >>> 3;
      if (pos + 1 + octets > end) {
        throw new AttributeException(code, "prefix /" + bits + " overruns its field");
      }
      byte[] significant = new byte[octets];
      System.arraycopy(b, pos + 1, significant, 0, octets);
      out.add(Prefix.fromWire(ipv6, bits, significant));
      pos += 1 + octets;
    }
    return out;
  }

  /** Encoded size of {@code p}: the length octet plus its significant octets. */
  static int size(Prefix p) {
    return 1 + p.significantOctets();
  }

  static void write(Prefix p, ByteBuf out) {
    out.writeByte(p.length());
    int n = p.significantOctets();
    for (int i = 0; i < n; i++) {
      out.writeByte(p.octet(i));
    }
  }

  /** Writes {@code p} at {@code pos} and returns the position after it; never allocates. */
  static int write(Prefix p, byte[] dst, int pos) {
    dst[pos] = (byte) p.length();
    p.copySignificant(dst, pos + 1);
    return pos + 1 + p.significantOctets();
  }
}
