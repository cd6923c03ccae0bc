package io.herald.allocator.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** A BGP community value: standard {@code AS:value} (RFC 1997) or {@code large:a:b:c} (RFC 8092). */
public sealed interface Community {

  record Standard(int asn, int value) implements Community {
    @Override
    public String toString() {
      return asn + ":" + value;
    }
  }

  record Large(long globalAdministrator, long localData1, long localData2) implements Community {
    @Override
    public String toString() {
      return "large:" + globalAdministrator + ":" + localData1 + ":" + localData2;
    }
  }

  /** Parsed value, or why not: a wrong shape (maybe an unknown alias) or a number out of range. */
  sealed interface Parsed permits Ok, BadFormat, BadValue {}

  record Ok(Community community) implements Parsed {}

  record BadFormat(String message) implements Parsed {}

  record BadValue(String message) implements Parsed {}

  Pattern STANDARD = Pattern.compile("(\\d+):(\\d+)");
  Pattern LARGE = Pattern.compile("large:(\\d+):(\\d+):(\\d+)");

  static Parsed parse(String text) {
    var s = STANDARD.matcher(text);
    if (s.matches()) {
      Optional<Long> a = number(s.group(1), 0xffffL);
      Optional<Long> v = number(s.group(2), 0xffffL);
      if (a.isEmpty() || v.isEmpty()) {
        return new BadValue("invalid community value \"" + text + "\": both parts must be 16-bit numbers");
      }
      return new Ok(new Standard(a.get().intValue(), v.get().intValue()));
    }
    var l = LARGE.matcher(text);
    if (l.matches()) {
      Optional<Long> g = number(l.group(1), 0xffff_ffffL);
      Optional<Long> d1 = number(l.group(2), 0xffff_ffffL);
      Optional<Long> d2 = number(l.group(3), 0xffff_ffffL);
      if (g.isEmpty() || d1.isEmpty() || d2.isEmpty()) {
        return new BadValue("invalid large community value \"" + text + "\": all parts must be 32-bit numbers");
      }
      return new Ok(new Large(g.get(), d1.get(), d2.get()));
    }
    return new BadFormat("invalid community format \"" + text + "\": expected AS:value or large:a:b:c");
  }

  private static Optional<Long> number(String digits, long max) {
    if (digits.length() > 10) {
      return Optional.empty();
    }
    long v = Long.parseLong(digits);
    return v <= max ? Optional.of(v) : Optional.empty();
  }
}
