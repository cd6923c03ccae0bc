package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parsers for the JSON that the {@code gobgp -j} CLI prints. */
final class GobgpJson {
  /** GoBGP's session_state enum (api.PeerState.SessionState): 6 is ESTABLISHED. */
  private static final SessionState[] STATES = {
    SessionState.UNKNOWN, SessionState.IDLE, SessionState.CONNECT, SessionState.ACTIVE, SessionState.OPEN_SENT,
    SessionState.OPEN_CONFIRM, SessionState.ESTABLISHED,
  };

  private GobgpJson() {}

  /** State from {@code gobgp -j neighbor <addr>}; the enum is printed as a number or a name. */
  static SessionState state(String neighborJson) {
    Object s = Json.at(Json.parse(neighborJson), "state", "session_state").orElse(null);
    Long n = Json.number(s);
    if (n != null) {
      return n >= 0 && n < STATES.length ? STATES[n.intValue()] : SessionState.UNKNOWN;
    }
    return s instanceof String t ? SessionState.parse(t) : SessionState.UNKNOWN;
  }

  /** Sum of "received" over the neighbor's address families (Adj-RIB-In size). */
  static long received(String neighborJson) {
    long sum = 0;
    for (Object af : Json.array(Json.at(Json.parse(neighborJson), "afi_safis").orElse(null))) {
      Long r = Json.number(Json.at(af, "state", "received").orElse(null));
      sum += r == null ? 0 : r;
    }
    return sum;
  }

  /**
   * Routes from {@code gobgp -j neighbor <addr> adj-in} (or {@code global rib}): an object from
   * prefix to paths, each path with its attributes as {@code {"type": code, ...}} (RFC 4271 codes).
   */
  static List<ReceivedRoute> routes(String ribJson) {
    List<ReceivedRoute> out = new ArrayList<>();
    String trimmed = ribJson.strip();
    if (trimmed.isEmpty() || trimmed.equals("null")) {
      return out;
    }
    for (Map.Entry<String, Object> dest : Json.object(Json.parse(trimmed)).entrySet()) {
      for (Object path : Json.array(dest.getValue())) {
        String prefix = (String) Json.at(path, "nlri", "prefix").orElse(dest.getKey());
        out.add(route(Addresses.canonicalPrefix(prefix), Json.array(Json.at(path, "attrs").orElse(null))));
      }
    }
    return out;
  }

  private static ReceivedRoute route(String prefix, List<Object> attrs) {
    String nextHop = null;
    List<Long> asPath = new ArrayList<>();
    Long localPref = null;
    Long med = null;
    List<String> communities = new ArrayList<>();
    List<String> large = new ArrayList<>();
    ReceivedRoute.Origin origin = null;
    for (Object a : attrs) {
      Long type = Json.number(Json.at(a, "type").orElse(null));
      if (type == null) {
        continue;
      }
      switch (type.intValue()) {
        case 1 -> origin = ReceivedRoute.Origin.parse(String.valueOf(Json.number(Json.at(a, "value").orElse(0L))));
        case 2 -> {
          for (Object seg : Json.array(Json.at(a, "as_paths").orElse(null))) {
            for (Object asn : Json.array(Json.at(seg, "asns").orElse(null))) {
              asPath.add(Json.number(asn));
            }
          }
        }
        case 3 -> nextHop = Addresses.canonical((String) Json.at(a, "nexthop").orElseThrow());
        case 4 -> med = Json.number(Json.at(a, "metric").orElse(null));
        case 5 -> localPref = Json.number(Json.at(a, "value").orElse(null));
        case 8 -> {
          // RFC 1997: a community is one 32-bit number, printed as high:low
          for (Object c : Json.array(Json.at(a, "communities").orElse(null))) {
            long v = Json.number(c);
            communities.add((v >>> 16) + ":" + (v & 0xFFFF));
          }
        }
        case 14 -> {
          // MP_REACH_NLRI (RFC 4760): "nexthop", or a "nexthops" list, depending on the version
          Object hop = Json.at(a, "nexthop").orElse(null);
          List<Object> hops = Json.array(Json.at(a, "nexthops").orElse(null));
          if (hop instanceof String h) {
            nextHop = Addresses.canonical(h);
          } else if (!hops.isEmpty()) {
            nextHop = Addresses.canonical((String) hops.get(0));
          }
        }
        case 32 -> {
          for (Object c : Json.array(Json.at(a, "value").orElse(null))) {
            large.add(Json.number(Json.at(c, "ASN").orElse(null)) + ":"
                + Json.number(Json.at(c, "LocalData1").orElse(null)) + ":"
                + Json.number(Json.at(c, "LocalData2").orElse(null)));
          }
        }
        default -> {
          // other attributes are not part of ReceivedRoute
        }
      }
    }
    return new ReceivedRoute(prefix, nextHop, asPath, localPref, med, communities, large, origin);
  }
}
