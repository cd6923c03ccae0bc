package io.herald.allocator.ip;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An inclusive range of addresses of one family, written in configuration either as a CIDR
 * ({@code 192.0.2.0/24}, host bits ignored as Go's {@code net.ParseCIDR} does) or as {@code a-b}.
 * Holds only its two ends: a /8 or a /64 costs the same as a /32.
 */
public record IpRange(IpAddress first, IpAddress last, String text) {

  public IpRange {
    Objects.requireNonNull(first);
    Objects.requireNonNull(last);
    Objects.requireNonNull(text);
    if (first.family() != last.family() || first.compareTo(last) > 0) {
      throw new IllegalArgumentException("bad range " + first + "-" + last);
    }
  }

  /** Outcome of parsing one {@code addresses} entry: the range, or MetalLB's reason text. */
  public sealed interface Parsed permits Parsed.Ok, Parsed.Invalid {
    record Ok(IpRange range) implements Parsed {}

    record Invalid(String reason) implements Parsed {}
  }

  public static Parsed parse(String text) {
    String s = text.trim();
    int dash = s.indexOf('-');
    if (dash < 0) {
      return parseCidr(text, s);
    }
    String a = s.substring(0, dash).trim();
    String b = s.substring(dash + 1).trim();
    var start = IpAddress.parse(a);
    if (start.isEmpty()) {
      return new Parsed.Invalid("invalid IP range %s: invalid start IP %s".formatted(q(text), q(a)));
    }
    var end = IpAddress.parse(b);
    if (end.isEmpty()) {
      return new Parsed.Invalid("invalid IP range %s: invalid end IP %s".formatted(q(text), q(b)));
    }
    if (start.get().family() != end.get().family()) {
      return new Parsed.Invalid("invalid IP range %s: start IP %s and end IP %s are of different families"
          .formatted(q(text), q(a), q(b)));
    }
    if (start.get().compareTo(end.get()) > 0) {
      return new Parsed.Invalid("invalid IP range %s: start IP %s is after the end IP %s"
          .formatted(q(text), q(a), q(b)));
    }
    return new Parsed.Ok(new IpRange(start.get(), end.get(), text));
  }

  private static Parsed parseCidr(String text, String s) {
    int slash = s.indexOf('/');
    Parsed invalid = new Parsed.Invalid("invalid CIDR " + q(text));
    if (slash < 0) {
      return invalid;
    }
    var addr = IpAddress.parse(s.substring(0, slash));
    String len = s.substring(slash + 1);
    if (addr.isEmpty() || len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
      return invalid;
    }
    int prefix = Integer.parseInt(len);
    if (prefix > addr.get().family().bits()) {
      return invalid;
    }
    return new Parsed.Ok(cidr(addr.get(), prefix, text));
  }

  public static IpRange cidr(IpAddress address, int prefixLength, String text) {
    return new IpRange(address.mask(prefixLength), address.fillHost(prefixLength), text);
  }

  /** Parses or throws; for literals in code and tests. */
  public static IpRange of(String text) {
    Parsed p = parse(text);
    if (p instanceof Parsed.Ok ok) {
      return ok.range();
    }
    throw new IllegalArgumentException(((Parsed.Invalid) p).reason());
  }

  public IpFamily family() {
    return first.family();
  }

  public boolean contains(IpAddress ip) {
    return ip.family() == family() && first.compareTo(ip) <= 0 && ip.compareTo(last) <= 0;
  }

  public boolean overlaps(IpRange o) {
    return o.family() == family() && first.compareTo(o.last) <= 0 && o.first.compareTo(last) <= 0;
  }

  /** Number of addresses, exact even for a whole IPv6 space. */
  public BigInteger size() {
    return toBig(last).subtract(toBig(first)).add(BigInteger.ONE);
  }

  /** Addresses skipped by {@code avoidBuggyIPs}: every IPv4 .0 and .255 inside the range. */
  public BigInteger buggyCount() {
    if (family() != IpFamily.IPV4) {
      return BigInteger.ZERO;
    }
    long f = first.lo();
    long l = last.lo();
    // Count x ≡ 0 and x ≡ 255 (mod 256) in [f, l].
    long zeros = Math.floorDiv(l, 256) - Math.floorDiv(f - 1, 256);
    long ones = Math.floorDiv(l - 255, 256) - Math.floorDiv(f - 256, 256);
    return BigInteger.valueOf(zeros + ones);
  }

  private static BigInteger toBig(IpAddress a) {
    return new BigInteger(1, new byte[] {
        (byte) (a.hi() >>> 56), (byte) (a.hi() >>> 48), (byte) (a.hi() >>> 40), (byte) (a.hi() >>> 32),
        (byte) (a.hi() >>> 24), (byte) (a.hi() >>> 16), (byte) (a.hi() >>> 8), (byte) a.hi(),
        (byte) (a.lo() >>> 56), (byte) (a.lo() >>> 48), (byte) (a.lo() >>> 40), (byte) (a.lo() >>> 32),
        (byte) (a.lo() >>> 24), (byte) (a.lo() >>> 16), (byte) (a.lo() >>> 8), (byte) a.lo()});
  }

  /** The CIDR blocks that exactly cover the range, in ascending order (at most 2 × width). */
  public List<String> prefixes() {
    List<String> out = new ArrayList<>();
    int bits = family().bits();
    IpAddress cur = first;
    while (true) {
      int len = bits;
      // Widen the block while it stays aligned at cur and inside the range.
      while (len > 0 && cur.mask(len - 1).equals(cur) && cur.fillHost(len - 1).compareTo(last) <= 0) {
        len--;
      }
      out.add(cur + "/" + len);
      IpAddress end = cur.fillHost(len);
      if (end.equals(last)) {
        return out;
      }
      cur = end.next();
    }
  }

  /** The shortest prefix length among {@link #prefixes()}: what an aggregation length must not undercut. */
  public int shortestPrefixLength() {
    return prefixes().stream().mapToInt(p -> Integer.parseInt(p.substring(p.indexOf('/') + 1))).min().orElseThrow();
  }

  private static String q(String s) {
    return '"' + s + '"';
  }

  @Override
  public String toString() {
    return text;
  }
}
