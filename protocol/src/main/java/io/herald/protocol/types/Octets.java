package io.herald.protocol.types;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Immutable opaque bytes with content equality: NOTIFICATION data, unknown attributes, capability
 * values. Records never hold arrays directly, because record equality would compare references.
 */
public final class Octets {
  public static final Octets EMPTY = new Octets(new byte[0]);
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Octets(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}; later changes to the array do not show through. */
  public static Octets copyOf(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
  }

  public static Octets copyOf(byte[] bytes, int offset, int length) {
    return length == 0 ? EMPTY : new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** Each argument is one octet, 0..255. */
  public static Octets of(int... octets) {
    byte[] b = new byte[octets.length];
    for (int i = 0; i < octets.length; i++) {
      if (octets[i] < 0 || octets[i] > 255) {
        throw new IllegalArgumentException("octet out of range: " + octets[i]);
      }
      b[i] = (byte) octets[i];
    }
    return b.length == 0 ? EMPTY : new Octets(b);
  }

  /** Two octets in network order, as in the data field of NOTIFICATION 1/2 (RFC 4271 §6.1). */
  public static Octets ofUnsignedShort(int value) {
    return of((value >>> 8) & 0xff, value & 0xff);
  }

  public static Octets fromHex(String hex) {
    return copyOf(HEX.parseHex(hex.replaceAll("\\s+", "")));
  }

  public int length() {
    return bytes.length;
  }

  public int get(int index) {
    return bytes[index] & 0xff;
  }

  public byte[] toByteArray() {
    return bytes.clone();
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return bytes.length == 0 ? "<empty>" : toHex();
  }
}
