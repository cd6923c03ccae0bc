package io.herald.k8s.model;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An inclusive range of addresses of one family, from an IPAddressPool entry: a CIDR
 * ({@code 192.0.2.0/28}, {@code 2001:db8::/124}) or {@code first-last}.
 *
 * @param bits 32 for IPv4, 128 for IPv6
 * @param first the first address as an unsigned number
 * @param last the last address as an unsigned number
 */
public record AddressRange(int bits, BigInteger first, BigInteger last) {

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  public AddressRange {
    if (bits != 32 && bits != 128) throw new IllegalArgumentException("bits must be 32 or 128");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (first.compareTo(last) > 0) throw new IllegalArgumentException("range ends before it starts");
  }

  /** Parses a pool entry; throws {@link IllegalArgumentException} if it is neither a CIDR nor a range. */
  public static AddressRange parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash >= 0) {
      InetAddress base = literal(t.substring(0, slash));
      int bits = base.getAddress().length * 8;
      int len;
      try {
        len = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length: " + text);
      }
      if (len < 0 || len > bits) throw new IllegalArgumentException("bad prefix length: " + text);
      BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - len).subtract(BigInteger.ONE);
      BigInteger start = new BigInteger(1, base.getAddress()).andNot(hostMask);
      return new AddressRange(bits, start, start.or(hostMask));
    }
    int dash = t.indexOf('-');
    if (dash > 0) {
      InetAddress a = literal(t.substring(0, dash));
      InetAddress b = literal(t.substring(dash + 1));
      if (a.getAddress().length != b.getAddress().length) {
        throw new IllegalArgumentException("range mixes address families: " + text);
      }
      return new AddressRange(
          a.getAddress().length * 8, new BigInteger(1, a.getAddress()), new BigInteger(1, b.getAddress()));
    }
    throw new IllegalArgumentException("neither a CIDR nor a range: " + text);
  }

  /** Whether {@code ip} (an address literal) lies in the range; false for text that is no literal. */
  public boolean contains(String ip) {
    InetAddress a;
    try {
      a = literal(ip);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (a.getAddress().length * 8 != bits) return false;
    BigInteger v = new BigInteger(1, a.getAddress());
    return v.compareTo(first) >= 0 && v.compareTo(last) <= 0;
  }

  /**
   * Parses an address literal without name resolution: IPv4 dotted quads are checked here, and
   * text of hex digits and colons can only ever be an IPv6 literal to {@link InetAddress}.
   */
  static InetAddress literal(String text) {
    String t = text.trim();
    try {
      var m = IPV4.matcher(t);
      if (m.matches()) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(m.group(i + 1));
          if (octet > 255) throw new IllegalArgumentException("bad IPv4 address: " + text);
          b[i] = (byte) octet;
        }
        return InetAddress.getByAddress(b);
      }
      if (t.contains(":") && IPV6.matcher(t).matches()) {
        InetAddress a = InetAddress.getByName(t);
        // An IPv4-mapped literal comes back as IPv4; keep it in the IPv6 family it was written in.
        return a.getAddress().length == 16 ? a : InetAddress.getByAddress(toMapped(a.getAddress()));
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad address: " + text, e);
    }
    throw new IllegalArgumentException("not an IP address literal: " + text);
  }

  private static byte[] toMapped(byte[] v4) {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    System.arraycopy(v4, 0, b, 12, 4);
    return b;
  }
}
