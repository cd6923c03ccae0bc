package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for BIRD 2 CLI output ({@code birdc}), kept pure so that unit tests feed them captured text. */
final class BirdOutput {
  private static final Pattern BGP_STATE = Pattern.compile("(?m)^\\s*BGP state:\\s+(\\S+)");
  private static final Pattern IMPORTED = Pattern.compile("(?m)^\\s*Routes:\\s+(\\d+) imported");
  private static final Pattern LAST_ERROR = Pattern.compile("(?m)^\\s*Last error:\\s+(.*?)\\s*$");
  private static final Pattern PAIR = Pattern.compile("\\((\\d+),\\s*(\\d+)\\)");
  private static final Pattern TRIPLE = Pattern.compile("\\((\\d+),\\s*(\\d+),\\s*(\\d+)\\)");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private BirdOutput() {}

  /** Session state from {@code show protocols all <name>}; IDLE when BIRD shows the protocol down. */
  static SessionState bgpState(String showProtocolsAll) {
    Matcher m = BGP_STATE.matcher(showProtocolsAll);
    if (m.find()) {
      return SessionState.parse(m.group(1));
    }
    return SessionState.UNKNOWN;
  }

  /** Sum of "Routes: N imported" over the protocol's channels. */
  static long importedRoutes(String showProtocolsAll) {
    Matcher m = IMPORTED.matcher(showProtocolsAll);
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /** "Last error" of the protocol, e.g. "BGP Error: Hold timer expired". */
  static Optional<String> lastError(String showProtocolsAll) {
    Matcher m = LAST_ERROR.matcher(showProtocolsAll);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Routes from {@code show route all ...}: a route line starts with the prefix (or with spaces for
   * another route to the same prefix), and its attributes follow on tab-indented "BGP.x: v" lines.
   */
  static List<ReceivedRoute> routes(String showRouteAll) {
    List<ReceivedRoute> out = new ArrayList<>();
    Builder cur = null;
    String lastPrefix = null;
    for (String line : showRouteAll.split("\n")) {
      if (line.isBlank() || line.startsWith("Table ") || line.startsWith("BIRD ")) {
        continue;
      }
      if (line.startsWith("\t")) {
        if (cur != null) {
          cur.attribute(line.strip());
        }
        continue;
      }
      if (cur != null) {
        out.add(cur.build());
      }
      if (Character.isWhitespace(line.charAt(0))) {
        cur = lastPrefix == null ? null : new Builder(lastPrefix);
      } else {
        lastPrefix = line.split("\\s+", 2)[0];
        cur = new Builder(lastPrefix);
      }
    }
    if (cur != null) {
      out.add(cur.build());
    }
    return out;
  }

  private static final class Builder {
    private final String prefix;
    private String nextHop;
    private final List<Long> asPath = new ArrayList<>();
    private Long localPref;
    private Long med;
    private final List<String> communities = new ArrayList<>();
    private final List<String> large = new ArrayList<>();
    private ReceivedRoute.Origin origin;

    Builder(String prefix) {
      this.prefix = Addresses.canonicalPrefix(prefix);
    }

    void attribute(String line) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.startsWith("BGP.")) {
        return;
      }
      String key = line.substring(4, colon);
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "origin" -> origin = ReceivedRoute.Origin.parse(value);
        case "as_path" -> {
          // AS_SET members print in braces; the harness keeps the numbers in order
          Matcher m = NUMBER.matcher(value);
          while (m.find()) {
            asPath.add(Long.parseLong(m.group()));
          }
        }
        // an IPv6 next hop may be followed by the link-local one
        case "next_hop" -> nextHop = value.isEmpty() ? null : Addresses.canonical(value.split("\\s+")[0]);
        case "med" -> med = Long.parseLong(value);
        case "local_pref" -> localPref = Long.parseLong(value);
        case "community" -> {
          Matcher m = PAIR.matcher(value);
          while (m.find()) {
            communities.add(m.group(1) + ":" + m.group(2));
          }
        }
        case "large_community" -> {
          Matcher m = TRIPLE.matcher(value);
          while (m.find()) {
            large.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
          }
        }
        default -> {
          // other attributes (originator_id, cluster_list, ...) are not part of ReceivedRoute
        }
      }
    }

    ReceivedRoute build() {
      return new ReceivedRoute(prefix, nextHop, asPath, localPref, med, communities, large, origin);
    }
  }
}
