package io.herald.protocol.types;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IP literal parsing. Never resolves names: {@code InetAddress.getByName} on arbitrary text
 * could reach DNS, so text is checked to be a literal before the JDK converts it.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** Parses an IPv4 or IPv6 literal; IllegalArgumentException names the text when it is neither. */
  public static InetAddress parse(String text) {
    String t = text.strip();
    if (t.indexOf(':') >= 0) {
      return parseIpv6(t);
    }
    return parseIpv4(t);
  }

  public static Inet4Address parseIpv4(String text) {
    String t = text.strip();
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\"");
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\"");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\"");
      }
      b[i] = (byte) v;
    }
    return (Inet4Address) fromBytes(b);
  }

  public static Inet6Address parseIpv6(String text) {
    String t = text.strip();
    if (t.isEmpty() || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
        || t.indexOf(':') < 0) {
      throw new IllegalArgumentException("not an IPv6 address: \"" + text + "\"");
    }
    try {
      // Only hex digits, ':' and '.' with at least one ':': the JDK parses this as a literal and
      // never asks a resolver.
      InetAddress a = InetAddress.getByName(t);
      if (a instanceof Inet6Address v6) {
        return v6;
      }
      // "::ffff:a.b.c.d" comes back as IPv4; keep the IPv6 form the text asked for.
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
      return (Inet6Address) Inet6Address.getByAddress(null, mapped, -1);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: \"" + text + "\"", e);
    }
  }

  /** An address from 4 or 16 bytes of wire data. */
  public static InetAddress fromBytes(byte[] bytes) {
    try {
      if (bytes.length == 16) {
        return Inet6Address.getByAddress(null, bytes, -1);
      }
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address must be 4 or 16 bytes, was " + bytes.length, e);
    }
  }

  public static Inet4Address ipv4(int value) {
    return (Inet4Address) fromBytes(new byte[] {
        (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
  }

  /** Canonical text: dotted quad, or RFC 5952 compressed IPv6. */
  public static String format(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // RFC 5952 §4.2: compress the longest run (of at least two) of zero groups, the first if tied.
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
