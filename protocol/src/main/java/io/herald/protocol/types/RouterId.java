package io.herald.protocol.types;

import java.net.Inet4Address;

/** The BGP Identifier of OPEN (RFC 4271 §4.2; RFC 6286 only requires it be non-zero and unique). */
public record RouterId(long value) implements Comparable<RouterId> {
  public RouterId {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("BGP identifier out of range: " + value);
    }
  }

  public static RouterId of(Inet4Address address) {
    byte[] b = address.getAddress();
    return new RouterId(((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL));
  }

  /** Parses a dotted-quad literal (never a host name). */
  public static RouterId parse(String text) {
    return of(IpLiterals.parseIpv4(text));
  }

  public boolean isZero() {
    return value == 0;
  }

  public Inet4Address toAddress() {
    return IpLiterals.ipv4((int) value);
  }

  @Override
  public int compareTo(RouterId o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return toAddress().getHostAddress();
  }
}
