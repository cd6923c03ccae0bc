package io.herald.protocol.attribute;

import java.util.Locale;
import java.util.Map;

/**
 * A standard community, 32 bits written "AS:value" (RFC 1997), with the well-known values from
 * the IANA registry by name.
 */
public record Community(long value) {
  /** RFC 8326: lower the preference of a path before a planned shutdown. */
  public static final Community GRACEFUL_SHUTDOWN = new Community(0xFFFF_0000L);
  /** RFC 7611. */
  public static final Community ACCEPT_OWN = new Community(0xFFFF_0001L);
  /** RFC 7999. */
  public static final Community BLACKHOLE = new Community(0xFFFF_029AL);
  /** RFC 1997. */
  public static final Community NO_EXPORT = new Community(0xFFFF_FF01L);
  /** RFC 1997. */
  public static final Community NO_ADVERTISE = new Community(0xFFFF_FF02L);
  /** RFC 1997 (NO_EXPORT_SUBCONFED, also called local-AS). */
  public static final Community NO_EXPORT_SUBCONFED = new Community(0xFFFF_FF03L);
  /** RFC 3765. */
  public static final Community NOPEER = new Community(0xFFFF_FF04L);

  private static final Map<String, Community> WELL_KNOWN = Map.of(
      "graceful-shutdown", GRACEFUL_SHUTDOWN,
      "accept-own", ACCEPT_OWN,
      "blackhole", BLACKHOLE,
      "no-export", NO_EXPORT,
      "no-advertise", NO_ADVERTISE,
      "no-export-subconfed", NO_EXPORT_SUBCONFED,
      "local-as", NO_EXPORT_SUBCONFED,
      "no-peer", NOPEER);

  public Community {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("community is 32 bits: " + value);
    }
  }

  public static Community of(int high, int low) {
    if (high < 0 || high > 0xFFFF || low < 0 || low > 0xFFFF) {
      throw new IllegalArgumentException("community halves are 16 bits: " + high + ":" + low);
    }
    return new Community(((long) high << 16) | low);
  }

  /**
   * Parses "65000:100" (each half 0..65535) or a well-known name such as "no-export"; the
   * exception message names the text and what is wrong with it.
   */
  public static Community parse(String text) {
    String t = text.strip();
    Community named = WELL_KNOWN.get(t.toLowerCase(Locale.ROOT));
    if (named != null) {
      return named;
    }
    String[] parts = t.split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "invalid community \"" + text + "\": expected AS:value or a well-known name");
    }
    return of(half(parts[0], text), half(parts[1], text));
  }

  private static int half(String part, String text) {
    if (part.isEmpty() || part.length() > 5 || !part.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("invalid community \"" + text + "\": \"" + part
          + "\" is not a number 0..65535");
    }
    int v = Integer.parseInt(part);
    if (v > 0xFFFF) {
      throw new IllegalArgumentException("invalid community \"" + text + "\": " + v
          + " is above 65535");
    }
    return v;
  }

  @Override
  public String toString() {
    return (value >>> 16) + ":" + (value & 0xFFFF);
  }
}
