package io.herald.node.l2;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The pure decision of the Layer 2 responder: given one received frame, the IPs this node owns on
 * the interface and the interface's MAC, the reply to send, if any. Only ARP requests (RFC 826) and
 * Neighbor Solicitations (RFC 4861 §7.2.3) for owned IPs are answered; anything malformed, spoofed
 * (a group source address, our own MAC as sender) or for another IP yields nothing. It never
 * throws on frame content.
 */
public final class L2Responder {

  private static final MacAddress ALL_NODES_MAC = MacAddress.ipv6Multicast(Ndp.ALL_NODES.getAddress());

  private L2Responder() {}

  /**
   * A reply to a request for an owned IP.
   *
   * @param ip the owned IP that was asked for (the metrics label)
   * @param frame the complete Ethernet frame to send
   */
  public record Reply(InetAddress ip, byte[] frame) {
    public Reply {
      Objects.requireNonNull(ip, "ip");
      frame = frame.clone();
    }

    @Override
    public byte[] frame() {
      return frame.clone();
    }
  }

  /** The reply to the first {@code length} octets of {@code buf}, received on an interface with {@code mac}. */
  public static Optional<Reply> onFrame(byte[] buf, int length, Set<? extends InetAddress> owned, MacAddress mac) {
    Optional<EthernetFrame> decoded = EthernetFrame.decode(buf, length);
    if (decoded.isEmpty() || owned.isEmpty()) return Optional.empty();
    EthernetFrame f = decoded.get();
    // A group address is never a valid source (IEEE 802.3 §3.2.3); our own source is our own echo.
    if (f.source().isGroup() || f.source().equals(mac) || f.source().equals(MacAddress.ZERO)) return Optional.empty();
    if (!f.destination().isGroup() && !f.destination().equals(mac)) return Optional.empty();
    return switch (f.etherType()) {
      case EthernetFrame.ETHERTYPE_ARP -> ArpPacket.decode(f.payload()).flatMap(a -> onArp(f, a, owned, mac));
      case EthernetFrame.ETHERTYPE_IPV6 -> Ndp.decodeSolicitation(f.payload()).flatMap(ns -> onSolicitation(f, ns, owned, mac));
      default -> Optional.empty();
    };
  }

  private static Optional<Reply> onArp(EthernetFrame f, ArpPacket a, Set<? extends InetAddress> owned, MacAddress mac) {
    if (a.operation() != ArpPacket.Operation.REQUEST || !owned.contains(a.targetProtocol())) return Optional.empty();
    MacAddress asker = a.senderHardware();
    if (asker.isGroup() || asker.equals(MacAddress.ZERO) || asker.equals(mac)) return Optional.empty();
    // RFC 826 "Packet Reception": swap sender and target, put our hardware address in as sender.
    ArpPacket reply = new ArpPacket(ArpPacket.Operation.REPLY, mac, a.targetProtocol(), asker, a.senderProtocol());
    return Optional.of(new Reply(a.targetProtocol(), reply.inFrame(asker, mac).encode()));
  }

  private static Optional<Reply> onSolicitation(EthernetFrame f, NeighborSolicitation ns, Set<? extends InetAddress> owned,
      MacAddress mac) {
    Inet6Address target = ns.target();
    if (!owned.contains(target)) return Optional.empty();
    // Solicitations go to the target's solicited-node group (resolution) or to the target (NUD).
    boolean toGroup = ns.destination().equals(Ndp.solicitedNodeGroup(target));
    if (!toGroup && !ns.destination().equals(target)) return Optional.empty();
    if (toGroup && !f.destination().equals(MacAddress.ipv6Multicast(ns.destination().getAddress()))) return Optional.empty();
    if (ns.sourceLinkLayer().filter(s -> s.isGroup() || s.equals(mac)).isPresent()) return Optional.empty();
    NeighborAdvertisement na;
    MacAddress to;
    if (ns.fromUnspecified()) {
      // RFC 4861 §7.2.4: to all-nodes with the Solicited flag clear when the source was unspecified.
      na = new NeighborAdvertisement(target, Ndp.ALL_NODES, false, false, true, target, Optional.of(mac));
      to = ALL_NODES_MAC;
    } else {
      na = new NeighborAdvertisement(target, ns.source(), false, true, true, target, Optional.of(mac));
      to = ns.sourceLinkLayer().orElse(f.source());
    }
    return Optional.of(new Reply(target, new EthernetFrame(to, mac, EthernetFrame.ETHERTYPE_IPV6, Ndp.encode(na)).encode()));
  }

  /**
   * The frame announcing that {@code mac} now has {@code ip}: for IPv4 a gratuitous ARP request
   * (the ARP Announcement of RFC 5227 §2.3, sender and target protocol address both {@code ip},
   * broadcast); for IPv6 an unsolicited Neighbor Advertisement with the Override flag to all-nodes
   * (RFC 4861 §7.2.6).
   */
  public static byte[] announcement(InetAddress ip, MacAddress mac) {
    if (ip instanceof Inet4Address v4) {
      return new ArpPacket(ArpPacket.Operation.REQUEST, mac, v4, MacAddress.ZERO, v4).inFrame(MacAddress.BROADCAST, mac).encode();
    }
    Inet6Address v6 = (Inet6Address) ip;
    NeighborAdvertisement na = new NeighborAdvertisement(v6, Ndp.ALL_NODES, false, false, true, v6, Optional.of(mac));
    return new EthernetFrame(ALL_NODES_MAC, mac, EthernetFrame.ETHERTYPE_IPV6, Ndp.encode(na)).encode();
  }
}
