package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parsers for FRR's {@code vtysh -c '... json'} output. */
final class FrrJson {
  private FrrJson() {}

  /** State from {@code show bgp neighbors <addr> json}; UNKNOWN when FRR has no such neighbor. */
  static SessionState state(String neighborJson, String neighbor) {
    return Json.at(Json.parse(neighborJson), neighbor, "bgpState").map(s -> SessionState.parse((String) s))
        .orElse(SessionState.UNKNOWN);
  }

  /** Sum of accepted prefixes over the neighbor's address families. */
  static long acceptedPrefixes(String neighborJson, String neighbor) {
    long sum = 0;
    Object afs = Json.at(Json.parse(neighborJson), neighbor, "addressFamilyInfo").orElse(null);
    for (Object af : Json.object(afs).values()) {
      Long n = Json.number(Json.at(af, "acceptedPrefixCounter").orElse(null));
      sum += n == null ? 0 : n;
    }
    return sum;
  }

  /** Prefixes listed by {@code show bgp <afi> unicast neighbors <addr> routes json}. */
  static List<String> prefixes(String routesJson) {
    String t = routesJson.strip();
    if (t.isEmpty()) {
      return List.of();
    }
    return Json.object(Json.at(Json.parse(t), "routes").orElse(null)).keySet().stream()
        .map(Addresses::canonicalPrefix).toList();
  }

  /**
   * Routes from one or more concatenated {@code show bgp <afi> unicast <prefix> json} outputs,
   * keeping the paths learned from {@code neighbor}.
   */
  static List<ReceivedRoute> routes(String prefixDetailJson, String neighbor) {
    List<ReceivedRoute> out = new ArrayList<>();
    for (Object detail : Json.parseAll(prefixDetailJson)) {
      Object prefixText = Json.at(detail, "prefix").orElse(null);
      if (!(prefixText instanceof String p)) {
        continue;   // "{}": the prefix went away between listing and detail
      }
      String prefix = Addresses.canonicalPrefix(p);
      for (Object path : Json.array(Json.at(detail, "paths").orElse(null))) {
        String peer = (String) Json.at(path, "peer", "peerId").orElse("");
        if (!peer.isEmpty() && Addresses.canonical(peer).equals(neighbor)) {
          out.add(route(prefix, path));
        }
      }
    }
    return out;
  }

  private static ReceivedRoute route(String prefix, Object path) {
    List<Long> asPath = new ArrayList<>();
    for (Object seg : Json.array(Json.at(path, "aspath", "segments").orElse(null))) {
      for (Object asn : Json.array(Json.at(seg, "list").orElse(null))) {
        asPath.add(Json.number(asn));
      }
    }
    List<Object> hops = Json.array(Json.at(path, "nexthops").orElse(null));
    String nextHop = hops.isEmpty() ? null
        : Json.at(hops.get(0), "ip").map(ip -> Addresses.canonical((String) ip)).orElse(null);
    List<String> communities = strings(Json.at(path, "community", "list").orElse(null));
    List<String> large = strings(Json.at(path, "largeCommunity", "list").orElse(null));
    ReceivedRoute.Origin origin = Json.at(path, "origin").map(o -> ReceivedRoute.Origin.parse((String) o))
        .orElse(null);
    return new ReceivedRoute(prefix, nextHop, asPath, Json.number(Json.at(path, "locPrf").orElse(null)),
        Json.number(Json.at(path, "metric").orElse(null)), communities, large, origin);
  }

  private static List<String> strings(Object list) {
    return Json.array(list).stream().map(String::valueOf).toList();
  }

  static Map<String, Object> object(String json) {
    return Json.object(Json.parse(json));
  }
}
