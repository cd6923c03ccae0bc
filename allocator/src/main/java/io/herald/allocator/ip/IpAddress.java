package io.herald.allocator.ip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One IPv4 or IPv6 address as two unsigned 64-bit halves, so that address arithmetic is plain
 * {@code long} math and no pool ever has to materialise its addresses. IPv4 addresses live in the
 * low 32 bits of {@code lo} with {@code hi == 0}.
 *
 * <p>Ordering is by family (IPv4 first), then numerically: the "CIDR order" in which MetalLB hands
 * out addresses.
 */
public record IpAddress(IpFamily family, long hi, long lo) implements Comparable<IpAddress> {

  public IpAddress {
    if (family == IpFamily.IPV4 && (hi != 0 || (lo >>> 32) != 0)) {
      throw new IllegalArgumentException("IPv4 address out of range");
    }
  }

  public static IpAddress ofV4(long value) {
    return new IpAddress(IpFamily.IPV4, 0, value & 0xffff_ffffL);
  }

  public static IpAddress ofV6(long hi, long lo) {
    return new IpAddress(IpFamily.IPV6, hi, lo);
  }

  public static IpAddress of(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return ofV4(toLong(b, 0, 4));
    }
    return ofV6(toLong(b, 0, 8), toLong(b, 8, 8));
  }

  private static long toLong(byte[] b, int from, int count) {
    long v = 0;
    for (int i = from; i < from + count; i++) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  /**
   * Parses an address literal strictly: dotted-quad IPv4 (no leading zeros, no short forms) or
   * RFC 4291 §2.2 IPv6 text, including {@code ::} and a trailing dotted quad. Never resolves names.
   */
  public static Optional<IpAddress> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    OptionalLong v4 = parseV4(text);
    return v4.isPresent() ? Optional.of(ofV4(v4.getAsLong())) : Optional.empty();
  }

  /** Like {@link #parse} but throws {@link IllegalArgumentException}; for literals in code and tests. */
  public static IpAddress of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text));
  }

  private static OptionalLong parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !digits(p)) {
        return OptionalLong.empty();
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        return OptionalLong.empty();
      }
      value = (value << 8) | octet;
    }
    return OptionalLong.of(value);
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static Optional<IpAddress> parseV6(String text) {
    int[] groups = new int[8];
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return Optional.empty();
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] headGroups = groups(head, doubleColon < 0 || tail.isEmpty());
    int[] tailGroups = groups(tail, true);
    if (headGroups == null || tailGroups == null) {
      return Optional.empty();
    }
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 ? total != 8 : total > 7) {
      return Optional.empty();
    }
    System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | groups[i];
      lo = (lo << 16) | groups[i + 4];
    }
    return Optional.of(ofV6(hi, lo));
  }

  /** Colon-separated hex groups; the last one may be a dotted quad when {@code last} is true. */
  private static int[] groups(String part, boolean last) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] fields = part.split(":", -1);
    int[] out = new int[fields.length + 1];
    int n = 0;
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i];
      if (last && i == fields.length - 1 && f.indexOf('.') >= 0) {
        var v4 = parseV4(f);
        if (v4.isEmpty()) {
          return null;
        }
        out[n++] = (int) (v4.getAsLong() >>> 16);
        out[n++] = (int) (v4.getAsLong() & 0xffff);
        continue;
      }
      if (f.isEmpty() || f.length() > 4) {
        return null;
      }
      int v = 0;
      for (int c = 0; c < f.length(); c++) {
        int d = Character.digit(f.charAt(c), 16);
        if (d < 0) {
          return null;
        }
        v = (v << 4) | d;
      }
      out[n++] = v;
    }
    return Arrays.copyOf(out, n);
  }

  public boolean isV4() {
    return family == IpFamily.IPV4;
  }

  /** The address {@code delta} places further on; wraps silently, callers bound-check. */
  public IpAddress plus(long delta) {
    if (isV4()) {
      return ofV4(lo + delta);
    }
    long newLo = lo + delta;
    long carry = delta >= 0
        ? (Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0)
        : (Long.compareUnsigned(newLo, lo) > 0 ? -1 : 0);
    return ofV6(hi + carry, newLo);
  }

  public IpAddress next() {
    return plus(1);
  }

  public IpAddress previous() {
    return plus(-1);
  }

  /** True for the all-ones address of the family (no successor). */
  public boolean isMax() {
    return isV4() ? lo == 0xffff_ffffL : hi == -1L && lo == -1L;
  }

  /** True for the all-zeros address of the family (no predecessor). */
  public boolean isMin() {
    return hi == 0 && lo == 0;
  }

  /**
   * An IPv4 address ending in .0 or .255. Pools with {@code avoidBuggyIPs} skip these because
   * some consumer routers' smurf protection drops traffic to them. Never true for IPv6.
   */
  public boolean confusesBuggyFirmware() {
    if (!isV4()) {
      return false;
    }
    long last = lo & 0xff;
    return last == 0 || last == 255;
  }

  /** Bit {@code i} counted from the most significant bit of the family's width. */
  boolean bit(int i) {
    if (isV4()) {
      return ((lo >>> (31 - i)) & 1) == 1;
    }
    return i < 64 ? ((hi >>> (63 - i)) & 1) == 1 : ((lo >>> (127 - i)) & 1) == 1;
  }

  /** Keeps the first {@code prefixLength} bits, zeroing the rest. */
  public IpAddress mask(int prefixLength) {
    if (isV4()) {
      long m = prefixLength == 0 ? 0 : (0xffff_ffffL << (32 - prefixLength)) & 0xffff_ffffL;
      return ofV4(lo & m);
    }
    long mHi = prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
    long mLo = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    return ofV6(hi & mHi, lo & mLo);
  }

  /** Sets every bit after the first {@code prefixLength} bits. */
  public IpAddress fillHost(int prefixLength) {
    if (isV4()) {
      long host = prefixLength == 32 ? 0 : 0xffff_ffffL >>> prefixLength;
      return ofV4(lo | host);
    }
    long hHi = prefixLength >= 64 ? 0 : prefixLength == 0 ? -1L : -1L >>> prefixLength;
    long hLo = prefixLength <= 64 ? -1L : prefixLength == 128 ? 0 : -1L >>> (prefixLength - 64);
    return ofV6(hi | hHi, lo | hLo);
  }

  public InetAddress toInetAddress() {
    byte[] b;
    if (isV4()) {
      b = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
    } else {
      b = new byte[16];
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (hi >>> (56 - 8 * i));
        b[i + 8] = (byte) (lo >>> (56 - 8 * i));
      }
    }
    try {
      InetAddress a = InetAddress.getByAddress(b);
      assert isV4() ? a instanceof Inet4Address : a instanceof Inet6Address;
      return a;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen: the length is always 4 or 16
    }
  }

  @Override
  public int compareTo(IpAddress o) {
    if (family != o.family) {
      return family.compareTo(o.family);
    }
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  /** Dotted quad, or RFC 5952 §4 canonical IPv6 text (lower case, longest zero run as {@code ::}). */
  @Override
  public String toString() {
    if (isV4()) {
      return (lo >>> 24) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
      g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
