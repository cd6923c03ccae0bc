package io.herald.node.l2;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type 0x0800, address
 * lengths 6 and 4. Other hardware or protocol types are not decoded (they are not ours to answer).
 */
public record ArpPacket(Operation operation, MacAddress senderHardware, Inet4Address senderProtocol,
    MacAddress targetHardware, Inet4Address targetProtocol) {

  public static final int LENGTH = 28;
  static final int HTYPE_ETHERNET = 1;
  static final int PTYPE_IPV4 = 0x0800;

  /** ar$op (RFC 826, "Packet format"). */
  public enum Operation {
    REQUEST(1),
    REPLY(2);

    final int code;

    Operation(int code) {
      this.code = code;
    }

    static Optional<Operation> of(int code) {
      return switch (code) {
        case 1 -> Optional.of(REQUEST);
        case 2 -> Optional.of(REPLY);
        default -> Optional.empty();
      };
    }
  }

  /** The ARP packet in an Ethernet payload; empty unless it is a well-formed Ethernet/IPv4 ARP packet. */
  public static Optional<ArpPacket> decode(byte[] p) {
    if (p.length < LENGTH) return Optional.empty();
    if (u16(p, 0) != HTYPE_ETHERNET || u16(p, 2) != PTYPE_IPV4 || (p[4] & 0xff) != 6 || (p[5] & 0xff) != 4) {
      return Optional.empty();
    }
    Optional<Operation> op = Operation.of(u16(p, 6));
    if (op.isEmpty()) return Optional.empty();
    return Optional.of(new ArpPacket(op.get(), MacAddress.read(p, 8), ipv4(p, 14), MacAddress.read(p, 18), ipv4(p, 24)));
  }

  public byte[] encode() {
    byte[] p = new byte[LENGTH];
    p[1] = HTYPE_ETHERNET;
    p[2] = (byte) (PTYPE_IPV4 >>> 8);
    p[4] = 6;
    p[5] = 4;
    p[7] = (byte) operation.code;
    senderHardware.write(p, 8);
    System.arraycopy(senderProtocol.getAddress(), 0, p, 14, 4);
    targetHardware.write(p, 18);
    System.arraycopy(targetProtocol.getAddress(), 0, p, 24, 4);
    return p;
  }

  /** The Ethernet frame carrying this packet from {@code source} to {@code destination}. */
  public EthernetFrame inFrame(MacAddress destination, MacAddress source) {
    return new EthernetFrame(destination, source, EthernetFrame.ETHERTYPE_ARP, encode());
  }

  static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static Inet4Address ipv4(byte[] b, int off) {
    try {
      return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + 4));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four octets are always an IPv4 address", e);
    }
  }
}
