package io.herald.protocol.types;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix in canonical form: host bits are zero. Stored as raw bytes (never
 * exposed) so that hundreds of thousands of prefixes stay cheap to hash, compare and encode.
 */
public final class Prefix implements Comparable<Prefix> {
  private final byte[] address; // 4 or 16 bytes, host bits cleared
  private final int length;
  private final int hash;

  private Prefix(byte[] address, int length) {
    this.address = address;
    this.length = length;
    this.hash = hash(address, length);
  }

  /**
   * Mixes every address bit into the hash. {@code Arrays.hashCode} is a poor fit here: runs of
   * consecutive host routes (the common case for a load balancer's pools) collapse onto a few
   * thousand values, which turns hash tables of 100k prefixes into long chains.
   */
  private static int hash(byte[] a, int length) {
    long h = length * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < a.length; i += 4) {
      int word = ((a[i] & 0xff) << 24) | ((a[i + 1] & 0xff) << 16) | ((a[i + 2] & 0xff) << 8) | (a[i + 3] & 0xff);
      h = (h ^ word) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    h = (h ^ (h >>> 29)) * 0x94D049BB133111EBL;
    return (int) (h ^ (h >>> 32));
  }

  /** A prefix from an address and length; host bits are rejected, not silently cleared. */
  public static Prefix of(InetAddress address, int length) {
    byte[] b = address.getAddress();
    checkLength(b.length, length);
    if (!hostBitsZero(b, length)) {
      throw new IllegalArgumentException(
          "host bits set in " + IpLiterals.format(address) + "/" + length);
    }
    return new Prefix(b, length);
  }

  /** The prefix that contains {@code address}: host bits are cleared. */
  public static Prefix containing(InetAddress address, int length) {
    byte[] b = address.getAddress();
    checkLength(b.length, length);
    clearHostBits(b, length);
    return new Prefix(b, length);
  }

  /** A host route: /32 or /128. */
  public static Prefix host(InetAddress address) {
    byte[] b = address.getAddress();
    return new Prefix(b, b.length * 8);
  }

  /**
   * From wire NLRI: {@code bytes} holds ceil(length/8) significant octets (RFC 4271 §4.3). The
   * caller checks the length against the family; trailing bits beyond the length are cleared, as
   * receivers must ignore them.
   */
  public static Prefix fromWire(boolean ipv6, int length, byte[] significant) {
    byte[] b = new byte[ipv6 ? 16 : 4];
    checkLength(b.length, length);
    System.arraycopy(significant, 0, b, 0, Math.min(significant.length, b.length));
    clearHostBits(b, length);
    return new Prefix(b, length);
  }

  /** Parses "192.0.2.10/32", "2001:db8::/64" or a bare address (a host route). */
  public static Prefix parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    if (slash < 0) {
      return host(IpLiterals.parse(t));
    }
    InetAddress a = IpLiterals.parse(t.substring(0, slash));
    String len = t.substring(slash + 1);
    if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("invalid prefix length in \"" + text + "\"");
    }
    try {
      return of(a, Integer.parseInt(len));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid prefix \"" + text + "\": " + e.getMessage(), e);
    }
  }

  private static void checkLength(int addressBytes, int length) {
    if (length < 0 || length > addressBytes * 8) {
      throw new IllegalArgumentException(
          "prefix length " + length + " out of range 0.." + addressBytes * 8);
    }
  }

  private static boolean hostBitsZero(byte[] b, int length) {
    for (int bit = length; bit < b.length * 8; bit++) {
      if ((b[bit >>> 3] & (0x80 >>> (bit & 7))) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void clearHostBits(byte[] b, int length) {
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      b[i] &= (byte) (0xff00 >>> keep);
    }
  }

  public boolean isIpv4() {
    return address.length == 4;
  }

  public boolean isIpv6() {
    return address.length == 16;
  }

  public int length() {
    return length;
  }

  /** Octets this prefix takes in NLRI encoding, without the length octet. */
  public int significantOctets() {
    return (length + 7) >>> 3;
  }

  /** Writes the significant octets into {@code out} at {@code offset}. */
  public void copySignificant(byte[] out, int offset) {
    System.arraycopy(address, 0, out, offset, significantOctets());
  }

  /** The address octet at {@code index} (0-based), unsigned. */
  public int octet(int index) {
    return address[index] & 0xff;
  }

  public InetAddress address() {
    return IpLiterals.fromBytes(address.clone());
  }

  public Inet4Address ipv4Address() {
    if (!isIpv4()) {
      throw new IllegalStateException("not IPv4: " + this);
    }
    return (Inet4Address) address();
  }

  public Inet6Address ipv6Address() {
    if (!isIpv6()) {
      throw new IllegalStateException("not IPv6: " + this);
    }
    return (Inet6Address) address();
  }

  @Override
  public int compareTo(Prefix o) {
    if (address.length != o.address.length) {
      return Integer.compare(address.length, o.address.length);
    }
    int c = Arrays.compareUnsigned(address, o.address);
    return c != 0 ? c : Integer.compare(length, o.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prefix p && p.length == length && Arrays.equals(p.address, address);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return IpLiterals.format(IpLiterals.fromBytes(address)) + "/" + length;
  }
}
