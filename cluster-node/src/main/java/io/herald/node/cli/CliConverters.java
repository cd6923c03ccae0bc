package io.herald.node.cli;

import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the network types of our flags; messages name the bad value. */
public final class CliConverters {
  private CliConverters() {}

  static final class AsnConverter implements ITypeConverter<Asn> {
    @Override
    public Asn convert(String value) {
      try {
        return Asn.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class AddressConverter implements ITypeConverter<InetAddress> {
    @Override
    public InetAddress convert(String value) {
      try {
        return IpLiterals.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class RouterIdConverter implements ITypeConverter<RouterId> {
    @Override
    public RouterId convert(String value) {
      try {
        return RouterId.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("router id must be an IPv4 address: " + e.getMessage());
      }
    }
  }

  static final class PrefixConverter implements ITypeConverter<Prefix> {
    @Override
    public Prefix convert(String value) {
      try {
        return Prefix.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class LargeCommunityConverter implements ITypeConverter<LargeCommunity> {
    @Override
    public LargeCommunity convert(String value) {
      try {
        return LargeCommunity.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** "9s", "90s", "1m30s", "500ms" or a bare number of seconds. */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }
  }

  static Duration parseDuration(String value) {
    String t = value.strip();
    if (t.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    var m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|h|m|s)").matcher(t);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      end = m.end();
    }
    if (end != t.length() || t.isEmpty()) {
      throw new TypeConversionException(
          "invalid duration \"" + value + "\": use e.g. 90s, 1m30s, 500ms or a number of seconds");
    }
    return d;
  }

  /** "ADDR:PORT" or "[IPv6]:PORT". */
  public static final class SocketAddressConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      String t = value.strip();
      String host;
      String port;
      if (t.startsWith("[")) {
        int close = t.indexOf("]:");
        if (close < 0) {
          throw new TypeConversionException("invalid address \"" + value + "\": use [IPv6]:PORT");
        }
        host = t.substring(1, close);
        port = t.substring(close + 2);
      } else {
        int colon = t.lastIndexOf(':');
        if (colon < 0 || t.indexOf(':') != colon) {
          throw new TypeConversionException(
              "invalid address \"" + value + "\": use ADDR:PORT or [IPv6]:PORT");
        }
        host = t.substring(0, colon);
        port = t.substring(colon + 1);
      }
      try {
        return new InetSocketAddress(IpLiterals.parse(host), PortConverter.parse(port));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("invalid address \"" + value + "\": " + e.getMessage());
      }
    }
  }

  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }

    static int parse(String value) {
      if (!value.matches("\\d{1,5}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was \"" + value + "\"");
      }
      return Integer.parseInt(value);
    }
  }
}
