package io.herald.protocol.interop;

import java.net.Inet4Address;
import java.net.InetAddress;

import io.herald.protocol.types.IpLiterals;

/**
 * One textual form per address and prefix, whatever a router prints: IPv4 dotted quad, IPv6 in
 * the RFC 5952 canonical form (lower case, longest zero run compressed).
 */
public final class Addresses {
  private Addresses() {}

  public static boolean isIpv6(String address) {
    return address.indexOf(':') >= 0;
  }

  /** Canonical form of an address literal. */
  public static String canonical(String address) {
    InetAddress a = IpLiterals.parse(address);
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    return ipv6(a.getAddress());
  }

  /** Canonical form of {@code addr/len}. */
  public static String canonicalPrefix(String prefix) {
    int slash = prefix.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a prefix: " + prefix);
    }
    int len = Integer.parseInt(prefix.substring(slash + 1).strip());
    return canonical(prefix.substring(0, slash)) + "/" + len;
  }

  /** RFC 5952 §4: no leading zeros, "::" for the longest run of two or more zero groups. */
  static String ipv6(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
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
