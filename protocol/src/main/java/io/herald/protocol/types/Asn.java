package io.herald.protocol.types;

/**
 * An autonomous system number, 0..2^32-1 (RFC 6793). Text forms: plain ("4200000000") or
 * asdot ("64086.59904", RFC 5396).
 */
public record Asn(long value) implements Comparable<Asn> {
  /** RFC 6793 §9: the 2-octet stand-in for a 4-octet-only ASN. */
  public static final Asn AS_TRANS = new Asn(23456);

  public static final long MAX = 0xFFFF_FFFFL;

  public Asn {
    if (value < 0 || value > MAX) {
      throw new IllegalArgumentException("ASN out of range 0..4294967295: " + value);
    }
  }

  public static Asn of(long value) {
    return new Asn(value);
  }

  /** Parses "65000", "4200000000" or asdot "1.10"; throws IllegalArgumentException naming the text. */
  public static Asn parse(String text) {
    String t = text.strip();
    try {
      int dot = t.indexOf('.');
      if (dot >= 0) {
        long high = Long.parseLong(t.substring(0, dot));
        long low = Long.parseLong(t.substring(dot + 1));
        if (high < 0 || high > 0xFFFF || low < 0 || low > 0xFFFF) {
          throw new IllegalArgumentException("invalid asdot ASN: " + text);
        }
        return new Asn((high << 16) | low);
      }
      if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("invalid ASN: " + text);
      }
      return new Asn(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid ASN: " + text, e);
    }
  }

  /** True when the ASN fits the 2-octet My Autonomous System field of OPEN. */
  public boolean isTwoOctet() {
    return value <= 0xFFFF;
  }

  /** The value for a 2-octet field: itself, or AS_TRANS (RFC 6793 §4.2.2). */
  public int twoOctetOrTrans() {
    return isTwoOctet() ? (int) value : (int) AS_TRANS.value;
  }

  @Override
  public int compareTo(Asn o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
