package io.herald.protocol.codec;

import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Octets;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Unsigned big-endian reads from a byte array, the only way the decoder touches raw octets. */
final class Wire {
  private Wire() {}

  static int u8(byte[] b, int pos) {
    return b[pos] & 0xff;
  }

  static int u16(byte[] b, int pos) {
    return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
  }

  static long u32(byte[] b, int pos) {
    return ((b[pos] & 0xffL) << 24) | ((b[pos + 1] & 0xffL) << 16)
        | ((b[pos + 2] & 0xffL) << 8) | (b[pos + 3] & 0xffL);
  }

  static Inet4Address ipv4(byte[] b, int pos) {
    return (Inet4Address) IpLiterals.fromBytes(new byte[] {b[pos], b[pos + 1], b[pos + 2], b[pos + 3]});
  }

  static Inet6Address ipv6(byte[] b, int pos) {
    byte[] a = new byte[16];
    System.arraycopy(b, pos, a, 0, 16);
    return (Inet6Address) IpLiterals.fromBytes(a);
  }

  static Octets slice(byte[] b, int off, int len) {
    return Octets.copyOf(b, off, len);
  }

  /** The 4 or 16 octets of an address, for the encoder. */
  static byte[] octets(InetAddress a) {
    return a.getAddress();
  }
}
