package io.herald.allocator.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's {@code time.ParseDuration} syntax, used by {@code metav1.Duration}: {@code 90s}, {@code 1m30s}, {@code 500ms}. */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  static Optional<Duration> parse(String text) {
    if (text.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher m = PART.matcher(text);
    int at = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        return Optional.empty();
      }
      BigDecimal unit = switch (m.group(2)) {
        case "ns" -> BigDecimal.ONE;
        case "us", "µs" -> BigDecimal.valueOf(1_000);
        case "ms" -> BigDecimal.valueOf(1_000_000);
        case "s" -> BigDecimal.valueOf(1_000_000_000L);
        case "m" -> BigDecimal.valueOf(60_000_000_000L);
        default -> BigDecimal.valueOf(3_600_000_000_000L);
      };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
      at = m.end();
    }
    return at == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos.longValue()));
  }
}
