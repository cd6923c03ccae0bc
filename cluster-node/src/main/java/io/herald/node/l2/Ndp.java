package io.herald.node.l2;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Codec for the two Neighbor Discovery messages a responder needs, inside their IPv6 packet:
 * Neighbor Solicitation in (RFC 4861 §4.3, validated per §7.1.1) and Neighbor Advertisement out
 * (§4.4). Packets with extension headers are not decoded: RFC 4861 messages are sent without them.
 */
public final class Ndp {

  static final int IPV6_HEADER = 40;
  static final int NEXT_HEADER_ICMPV6 = 58;
  static final int TYPE_NEIGHBOR_SOLICITATION = 135;
  static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
  /** §7.1.1: a hop limit of 255 proves the packet was not forwarded by a router. */
  static final int HOP_LIMIT = 255;
  static final int OPTION_SOURCE_LINK_LAYER = 1;
  static final int OPTION_TARGET_LINK_LAYER = 2;
  /** NS and NA bodies: type, code, checksum, 4 octets, 16-octet target. */
  static final int MESSAGE_MIN = 24;

  /** ff02::1, all-nodes (RFC 4291 §2.7.1): where unsolicited advertisements go (RFC 4861 §7.2.6). */
  public static final Inet6Address ALL_NODES = ipv6(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

  private Ndp() {}

  /** The solicitation in an IPv6 packet (an Ethernet payload), empty unless it passes RFC 4861 §7.1.1. */
  public static Optional<NeighborSolicitation> decodeSolicitation(byte[] p) {
    Optional<byte[]> icmp = icmpv6(p, TYPE_NEIGHBOR_SOLICITATION);
    if (icmp.isEmpty()) return Optional.empty();
    byte[] m = icmp.get();
    Inet6Address source = ipv6(Arrays.copyOfRange(p, 8, 24));
    Inet6Address destination = ipv6(Arrays.copyOfRange(p, 24, 40));
    Inet6Address target = ipv6(Arrays.copyOfRange(m, 8, 24));
    if (target.isMulticastAddress()) return Optional.empty();
    Optional<Optional<MacAddress>> slla = linkLayerOption(m, OPTION_SOURCE_LINK_LAYER);
    if (slla.isEmpty()) return Optional.empty();
    if (source.isAnyLocalAddress()) {
      // §7.1.1: from the unspecified address only to a solicited-node group, and without SLLA.
      if (!isSolicitedNodeGroup(destination) || slla.get().isPresent()) return Optional.empty();
    }
    return Optional.of(new NeighborSolicitation(source, destination, target, slla.get()));
  }

  /** The advertisement in an IPv6 packet, empty unless well formed (§7.1.2, hop limit and checksum). */
  public static Optional<NeighborAdvertisement> decodeAdvertisement(byte[] p) {
    Optional<byte[]> icmp = icmpv6(p, TYPE_NEIGHBOR_ADVERTISEMENT);
    if (icmp.isEmpty()) return Optional.empty();
    byte[] m = icmp.get();
    Inet6Address target = ipv6(Arrays.copyOfRange(m, 8, 24));
    if (target.isMulticastAddress()) return Optional.empty();
    Optional<Optional<MacAddress>> tlla = linkLayerOption(m, OPTION_TARGET_LINK_LAYER);
    if (tlla.isEmpty()) return Optional.empty();
    int flags = m[4] & 0xff;
    return Optional.of(new NeighborAdvertisement(ipv6(Arrays.copyOfRange(p, 8, 24)), ipv6(Arrays.copyOfRange(p, 24, 40)),
        (flags & 0x80) != 0, (flags & 0x40) != 0, (flags & 0x20) != 0, target, tlla.get()));
  }

  /** The IPv6 packet (hop limit 255, ICMPv6 checksum set) carrying {@code na}. */
  public static byte[] encode(NeighborAdvertisement na) {
    int optLen = na.targetLinkLayer().isPresent() ? 8 : 0;
    byte[] m = new byte[MESSAGE_MIN + optLen];
    m[0] = (byte) TYPE_NEIGHBOR_ADVERTISEMENT;
    m[4] = (byte) ((na.router() ? 0x80 : 0) | (na.solicited() ? 0x40 : 0) | (na.override() ? 0x20 : 0));
    System.arraycopy(na.target().getAddress(), 0, m, 8, 16);
    na.targetLinkLayer().ifPresent(mac -> {
      m[24] = OPTION_TARGET_LINK_LAYER;
      m[25] = 1;
      mac.write(m, 26);
    });
    byte[] src = na.source().getAddress();
    byte[] dst = na.destination().getAddress();
    int sum = checksum(src, dst, m, m.length);
    m[2] = (byte) (sum >>> 8);
    m[3] = (byte) sum;
    byte[] p = new byte[IPV6_HEADER + m.length];
    p[0] = 0x60;
    p[4] = (byte) (m.length >>> 8);
    p[5] = (byte) m.length;
    p[6] = NEXT_HEADER_ICMPV6;
    p[7] = (byte) HOP_LIMIT;
    System.arraycopy(src, 0, p, 8, 16);
    System.arraycopy(dst, 0, p, 24, 16);
    System.arraycopy(m, 0, p, IPV6_HEADER, m.length);
    return p;
  }

  /**
   * The ICMPv6 message of {@code type} in an IPv6 packet, after the checks every ND message gets
   * (§7.1.1 and §7.1.2): IPv6 without extension headers, hop limit 255, a payload length that fits,
   * code 0, at least 24 octets and a valid checksum. Octets past the payload length (Ethernet
   * padding) are cut off.
   */
  private static Optional<byte[]> icmpv6(byte[] p, int type) {
    if (p.length < IPV6_HEADER + MESSAGE_MIN) return Optional.empty();
    if ((p[0] & 0xf0) != 0x60 || (p[6] & 0xff) != NEXT_HEADER_ICMPV6 || (p[7] & 0xff) != HOP_LIMIT) {
      return Optional.empty();
    }
    int payload = ArpPacket.u16(p, 4);
    if (payload < MESSAGE_MIN || IPV6_HEADER + payload > p.length) return Optional.empty();
    byte[] m = Arrays.copyOfRange(p, IPV6_HEADER, IPV6_HEADER + payload);
    if ((m[0] & 0xff) != type || m[1] != 0) return Optional.empty();
    byte[] src = Arrays.copyOfRange(p, 8, 24);
    byte[] dst = Arrays.copyOfRange(p, 24, 40);
    // A checksum computed over a message with its own checksum field in place sums to zero.
    if (checksum(src, dst, m, m.length) != 0) return Optional.empty();
    return Optional.of(m);
  }

  /**
   * The link-layer address option of {@code kind} in the options after octet 24: empty when the
   * options are malformed (a zero length, or running past the message, §7.1.1), otherwise the
   * option's Ethernet address if present. Other options are skipped, as §4.3 asks.
   */
  private static Optional<Optional<MacAddress>> linkLayerOption(byte[] m, int kind) {
    Optional<MacAddress> found = Optional.empty();
    int off = MESSAGE_MIN;
    while (off < m.length) {
      if (off + 2 > m.length) return Optional.empty();
      int len = (m[off + 1] & 0xff) * 8;
      if (len == 0 || off + len > m.length) return Optional.empty();
      if ((m[off] & 0xff) == kind) {
        // RFC 4861 §4.6.1: on Ethernet the option is one unit of 8 octets with a 6-octet address.
        if (len != 8) return Optional.empty();
        found = Optional.of(MacAddress.read(m, off + 2));
      }
      off += len;
    }
    return Optional.of(found);
  }

  /** ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
  static boolean isSolicitedNodeGroup(Inet6Address a) {
    byte[] b = a.getAddress();
    byte[] prefix = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff};
    return Arrays.equals(b, 0, 13, prefix, 0, 13);
  }

  /** The solicited-node multicast group of {@code a} (RFC 4291 §2.7.1). */
  public static Inet6Address solicitedNodeGroup(Inet6Address a) {
    byte[] b = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, 0, 0, 0};
    System.arraycopy(a.getAddress(), 13, b, 13, 3);
    return ipv6(b);
  }

  /**
   * The ICMPv6 checksum (RFC 4443 §2.3): the ones' complement of the ones' complement sum over the
   * IPv6 pseudo-header (RFC 8200 §8.1: source, destination, upper-layer length, next header) and
   * the message.
   */
  static int checksum(byte[] src, byte[] dst, byte[] msg, int len) {
    long sum = 0;
    for (int i = 0; i < 16; i += 2) sum += ArpPacket.u16(src, i) + ArpPacket.u16(dst, i);
    sum += len;
    sum += NEXT_HEADER_ICMPV6;
    for (int i = 0; i + 1 < len; i += 2) sum += ArpPacket.u16(msg, i);
    if ((len & 1) == 1) sum += (msg[len - 1] & 0xff) << 8;
    while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
    return (int) (~sum & 0xffff);
  }

  /** Sixteen octets as an Inet6Address, never converted to IPv4 (IPv4-mapped stays IPv6). */
  static Inet6Address ipv6(byte[] sixteen) {
    try {
      return Inet6Address.getByAddress(null, sixteen, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("sixteen octets are always an IPv6 address", e);
    }
  }
}
