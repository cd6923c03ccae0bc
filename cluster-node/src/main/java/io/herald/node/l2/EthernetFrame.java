package io.herald.node.l2;

import java.util.Arrays;
import java.util.Optional;

/**
 * An Ethernet II frame as a packet socket hands it over: destination, source, EtherType and
 * payload (no preamble, no FCS). 802.1Q tags are not decoded: the kernel strips them into packet
 * metadata before a packet socket sees the frame, so a tagged EtherType here is simply not ours.
 */
public record EthernetFrame(MacAddress destination, MacAddress source, int etherType, byte[] payload) {

  public static final int HEADER_LENGTH = 14;
  /** IEEE 802.3 minimum frame without FCS; shorter frames are padded with zeros. */
  public static final int MIN_LENGTH = 60;
  public static final int ETHERTYPE_ARP = 0x0806;
  public static final int ETHERTYPE_IPV6 = 0x86dd;

  public EthernetFrame {
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The first {@code length} octets of {@code buf} as a frame; empty when too short for a header. */
  public static Optional<EthernetFrame> decode(byte[] buf, int length) {
    if (length < HEADER_LENGTH || length > buf.length) return Optional.empty();
    int type = ((buf[12] & 0xff) << 8) | (buf[13] & 0xff);
    return Optional.of(new EthernetFrame(MacAddress.read(buf, 0), MacAddress.read(buf, 6), type,
        Arrays.copyOfRange(buf, HEADER_LENGTH, length)));
  }

  public byte[] encode() {
    byte[] out = new byte[Math.max(MIN_LENGTH, HEADER_LENGTH + payload.length)];
    destination.write(out, 0);
    source.write(out, 6);
    out[12] = (byte) (etherType >>> 8);
    out[13] = (byte) etherType;
    System.arraycopy(payload, 0, out, HEADER_LENGTH, payload.length);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EthernetFrame f && destination.equals(f.destination) && source.equals(f.source)
        && etherType == f.etherType && Arrays.equals(payload, f.payload);
  }

  @Override
  public int hashCode() {
    return (destination.hashCode() * 31 + source.hashCode()) * 31 + etherType * 17 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "EthernetFrame[" + source + " -> " + destination + " type 0x" + Integer.toHexString(etherType) + ", "
        + payload.length + " octets]";
  }
}
