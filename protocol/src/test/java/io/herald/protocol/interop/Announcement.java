package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A route a router under the harness originates towards its neighbors, with the attributes it
 * should carry. Null attributes are left to the router's defaults.
 *
 * @param nextHop explicit NEXT_HOP; null means the router's own address ("next-hop self").
 *     Only ExaBGP and GoBGP can set it.
 * @param rawAttributes attributes sent byte for byte, ExaBGP only: the way to send malformed ones
 */
public record Announcement(String prefix, String nextHop, ReceivedRoute.Origin origin, Long med, Long localPref,
    List<String> communities, List<String> largeCommunities, List<RawAttribute> rawAttributes) {

  /**
   * A path attribute given as raw wire fields (RFC 4271 §4.3): flags octet, type code, value.
   * ExaBGP puts it on the wire as is, whatever it means, so it can carry errors a router must
   * handle per RFC 7606.
   *
   * @param valueHex the attribute value, hex digits without "0x"; may be empty
   */
  public record RawAttribute(int typeCode, int flags, String valueHex) {
    public RawAttribute {
      if (typeCode < 0 || typeCode > 255 || flags < 0 || flags > 255) {
        throw new IllegalArgumentException("type " + typeCode + " flags " + flags);
      }
      if (!valueHex.matches("([0-9a-fA-F]{2})*")) {
        throw new IllegalArgumentException("value must be hex octets: " + valueHex);
      }
    }
  }

  public Announcement {
    prefix = Addresses.canonicalPrefix(prefix);
    nextHop = nextHop == null ? null : Addresses.canonical(nextHop);
    communities = List.copyOf(communities);
    largeCommunities = List.copyOf(largeCommunities);
    rawAttributes = List.copyOf(rawAttributes);
    for (String c : communities) {
      if (!c.matches("\\d+:\\d+")) {
        throw new IllegalArgumentException("community must be a:b: " + c);
      }
    }
    for (String c : largeCommunities) {
      if (!c.matches("\\d+:\\d+:\\d+")) {
        throw new IllegalArgumentException("large community must be a:b:c: " + c);
      }
    }
  }

  /** The prefix with no attributes beyond the router's defaults. */
  public static Announcement of(String prefix) {
    return new Announcement(prefix, null, null, null, null, List.of(), List.of(), List.of());
  }

  /**
   * {@code count} consecutive prefixes of length {@code prefixLength} starting at {@code first}
   * (IPv4), e.g. {@code bulkIpv4("198.18.0.0", 32, 100_000)}: bulk tables for scale tests.
   * 198.18.0.0/15 (RFC 2544, benchmarking) holds 131072 /32s.
   */
  public static List<Announcement> bulkIpv4(String first, int prefixLength, int count) {
    byte[] b = io.herald.protocol.types.IpLiterals.parseIpv4(first).getAddress();
    long base = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    long step = 1L << (32 - prefixLength);
    if (base + step * count > (1L << 32)) {
      throw new IllegalArgumentException("range runs past 255.255.255.255");
    }
    List<Announcement> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long a = base + step * i;
      out.add(of(((a >> 24) & 0xff) + "." + ((a >> 16) & 0xff) + "." + ((a >> 8) & 0xff) + "." + (a & 0xff) + "/"
          + prefixLength));
    }
    return out;
  }

  public Announcement withNextHop(String address) {
    return new Announcement(prefix, address, origin, med, localPref, communities, largeCommunities, rawAttributes);
  }

  public Announcement withOrigin(ReceivedRoute.Origin value) {
    return new Announcement(prefix, nextHop, value, med, localPref, communities, largeCommunities, rawAttributes);
  }

  public Announcement withMed(long value) {
    return new Announcement(prefix, nextHop, origin, value, localPref, communities, largeCommunities, rawAttributes);
  }

  public Announcement withLocalPref(long value) {
    return new Announcement(prefix, nextHop, origin, med, value, communities, largeCommunities, rawAttributes);
  }

  public Announcement withCommunities(String... values) {
    return new Announcement(prefix, nextHop, origin, med, localPref, List.of(values), largeCommunities,
        rawAttributes);
  }

  public Announcement withLargeCommunities(String... values) {
    return new Announcement(prefix, nextHop, origin, med, localPref, communities, List.of(values), rawAttributes);
  }

  public Announcement withRawAttribute(int typeCode, int flags, String valueHex) {
    List<RawAttribute> raw = new ArrayList<>(rawAttributes);
    raw.add(new RawAttribute(typeCode, flags, valueHex));
    return new Announcement(prefix, nextHop, origin, med, localPref, communities, largeCommunities, raw);
  }

  public boolean isIpv6() {
    return Addresses.isIpv6(prefix);
  }

  /** Throws unless the announcement uses only what every router can originate. */
  void requireNo(String router, boolean nextHopAllowed) {
    Objects.requireNonNull(router);
    if (!rawAttributes.isEmpty()) {
      throw new UnsupportedOperationException(router + " cannot send raw attributes; use ExabgpPeer");
    }
    if (nextHop != null && !nextHopAllowed) {
      throw new UnsupportedOperationException(router + " cannot set an explicit next hop; use ExabgpPeer or GobgpPeer");
    }
  }
}
