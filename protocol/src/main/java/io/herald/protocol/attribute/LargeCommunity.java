package io.herald.protocol.attribute;

/** A large community "global:local1:local2", three 32-bit values (RFC 8092 §3, RFC 8195). */
public record LargeCommunity(long globalAdministrator, long localData1, long localData2) {
  public LargeCommunity {
    check(globalAdministrator);
    check(localData1);
    check(localData2);
  }

  private static void check(long v) {
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("large community parts are 32 bits: " + v);
    }
  }

  /** Parses "A:B:C", each 0..4294967295; the message names the text on error. */
  public static LargeCommunity parse(String text) {
    String[] parts = text.strip().split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "invalid large community \"" + text + "\": expected A:B:C");
    }
    long[] v = new long[3];
    for (int i = 0; i < 3; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 10 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("invalid large community \"" + text + "\": \"" + p
            + "\" is not a number 0..4294967295");
      }
      v[i] = Long.parseLong(p);
      if (v[i] > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("invalid large community \"" + text + "\": " + v[i]
            + " is above 4294967295");
      }
    }
    return new LargeCommunity(v[0], v[1], v[2]);
  }

  @Override
  public String toString() {
    return globalAdministrator + ":" + localData1 + ":" + localData2;
  }
}
