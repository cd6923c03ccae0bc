package io.herald.protocol.interop;

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
    return IpLiterals.format(IpLiterals.parse(address));
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
}
