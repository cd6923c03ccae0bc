package io.herald.node.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads BIRD 2's {@code show route all} output into paths. Pure, so the parser is tested on
 * BIRD's text without a BIRD.
 *
 * <p>The format: a line starting with a prefix opens a network and its first path; each further
 * path of the same network starts with blanks then the route type ({@code unicast [...]}); the
 * indented attribute lines that follow belong to the latest path ({@code via ADDR on IFACE},
 * {@code BGP.community: (a,b) ...}, {@code BGP.large_community: (a, b, c) ...}).
 */
public final class BirdRoutes {
  private BirdRoutes() {}

  private static final Pattern NETWORK = Pattern.compile("^([0-9a-fA-F:.]+/\\d+)\\s+\\S+\\s+\\[.*");
  /** Another path of the same network: its route type, then the protocol in brackets. */
  private static final Pattern NEXT_PATH = Pattern.compile("^[A-Za-z]+\\s+\\[.*");
  private static final Pattern VIA = Pattern.compile("^\\s+via\\s+(\\S+)(\\s+on\\s+\\S+)?.*");
  private static final Pattern PAIR = Pattern.compile("\\((\\d+),\\s*(\\d+)\\)");
  private static final Pattern TRIPLE = Pattern.compile("\\((\\d+),\\s*(\\d+),\\s*(\\d+)\\)");

  public static List<LearnedRoute> parse(String showRouteAll) {
    List<LearnedRoute> out = new ArrayList<>();
    String prefix = null;
    Path path = null;
    for (String line : showRouteAll.split("\n")) {
      Matcher network = NETWORK.matcher(line);
      if (network.matches()) {
        add(out, prefix, path);
        prefix = network.group(1);
        path = new Path();
        continue;
      }
      if (prefix == null) {
        continue;   // the banner and "Table master4:"
      }
      if (!line.startsWith(" ") && !line.startsWith("\t")) {
        add(out, prefix, path);
        prefix = null;
        path = null;
        continue;
      }
      Matcher via = VIA.matcher(line);
      String attr = line.strip();
      if (via.matches()) {
        path.nextHop = via.group(1);
      } else if (attr.startsWith("BGP.community:")) {
        Matcher m = PAIR.matcher(attr);
        while (m.find()) path.communities.add(m.group(1) + ":" + m.group(2));
      } else if (attr.startsWith("BGP.large_community:")) {
        Matcher m = TRIPLE.matcher(attr);
        while (m.find()) path.communities.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
      } else if (NEXT_PATH.matcher(attr).matches()) {
        add(out, prefix, path);
        path = new Path();
      }
    }
    add(out, prefix, path);
    return out;
  }

  private static void add(List<LearnedRoute> out, String prefix, Path path) {
    if (prefix != null && path != null && path.nextHop != null) {
      out.add(new LearnedRoute(prefix, path.nextHop, path.communities));
    }
  }

  private static final class Path {
    String nextHop;
    final List<String> communities = new ArrayList<>();
  }
}
