package io.herald.node.l2;

import java.util.HexFormat;

/** A 48-bit IEEE 802 MAC address, held in the low 48 bits of a long (so records compare by value). */
public record MacAddress(long bits) {

  public static final MacAddress ZERO = new MacAddress(0);
  public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

  public MacAddress {
    if ((bits & ~0xffff_ffff_ffffL) != 0) throw new IllegalArgumentException("a MAC address has 48 bits");
  }

  /** The six octets at {@code off} of {@code b}. */
  public static MacAddress read(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 6; i++) v = (v << 8) | (b[off + i] & 0xff);
    return new MacAddress(v);
  }

  public static MacAddress of(byte[] sixOctets) {
    if (sixOctets.length != 6) throw new IllegalArgumentException("a MAC address has 6 octets");
    return read(sixOctets, 0);
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff}. */
  public static MacAddress parse(String text) {
    String[] parts = text.split(":");
    if (parts.length != 6) throw new IllegalArgumentException("not a MAC address: " + text);
    long v = 0;
    for (String p : parts) v = (v << 8) | Integer.parseInt(p, 16);
    return new MacAddress(v);
  }

  public void write(byte[] b, int off) {
    for (int i = 0; i < 6; i++) b[off + i] = (byte) (bits >>> (8 * (5 - i)));
  }

  public byte[] octets() {
    byte[] b = new byte[6];
    write(b, 0);
    return b;
  }

  /** The group bit (IEEE 802-2014 §8.2): broadcast and multicast addresses have it set. */
  public boolean isGroup() {
    return (bits & 0x0100_0000_0000L) != 0;
  }

  /** The Ethernet group address of an IPv6 multicast address: 33:33 and its last four octets (RFC 2464 §7). */
  public static MacAddress ipv6Multicast(byte[] ipv6) {
    long v = 0x3333L;
    for (int i = 12; i < 16; i++) v = (v << 8) | (ipv6[i] & 0xff);
    return new MacAddress(v);
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(octets());
  }
}
