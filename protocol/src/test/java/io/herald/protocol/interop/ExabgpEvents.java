package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds what ExaBGP received from its JSON API event stream ({@code encoder json}, one object
 * per line): the session state and an Adj-RIB-In per neighbor, and the NOTIFICATIONs seen. ExaBGP
 * keeps no queryable RIB of its own, so the harness replays announcements and withdrawals.
 */
final class ExabgpEvents {
  private final Map<String, String> states = new HashMap<>();
  private final Map<String, Map<String, ReceivedRoute>> ribs = new HashMap<>();
  private final Map<String, List<SeenNotification>> notifications = new HashMap<>();

  /** Applies one line; lines that are not JSON objects (acknowledgements) are ignored. */
  void accept(String line) {
    String t = line.strip();
    if (!t.startsWith("{")) {
      return;
    }
    Object event = Json.parse(t);
    String type = (String) Json.at(event, "type").orElse("");
    Object neighbor = Json.at(event, "neighbor").orElse(Map.of());
    String peer = Json.at(neighbor, "address", "peer").map(String.class::cast).map(Addresses::canonical).orElse(null);
    if (peer == null) {
      return;
    }
    switch (type) {
      case "state" -> {
        String s = (String) Json.at(neighbor, "state").orElse("down");
        states.put(peer, s);
        if (s.equals("down")) {
          ribs.remove(peer);
        }
      }
      case "update" -> Json.at(neighbor, "message", "update").ifPresent(u -> applyUpdate(peer, u));
      case "notification" -> {
        Object n = Json.at(neighbor, "message", "notification").or(() -> Json.at(neighbor, "notification"))
            .orElse(Map.of());
        String direction = (String) Json.at(neighbor, "direction").orElse("");
        Long code = Json.number(Json.at(n, "code").orElse(null));
        Long subcode = Json.number(Json.at(n, "subcode").orElse(null));
        if (code != null) {
          notifications.computeIfAbsent(peer, k -> new ArrayList<>())
              .add(new SeenNotification(direction, code.intValue(), subcode == null ? 0 : subcode.intValue()));
        }
      }
      default -> {
        // open, keepalive, refresh, operational: not tracked
      }
    }
  }

  private void applyUpdate(String peer, Object update) {
    Map<String, ReceivedRoute> rib = ribs.computeIfAbsent(peer, k -> new LinkedHashMap<>());
    Object attrs = Json.at(update, "attribute").orElse(Map.of());
    for (Map.Entry<String, Object> family : Json.object(Json.at(update, "announce").orElse(null)).entrySet()) {
      for (Map.Entry<String, Object> byNextHop : Json.object(family.getValue()).entrySet()) {
        String nextHop = byNextHop.getKey().equals("null") ? null : Addresses.canonical(byNextHop.getKey());
        for (Object nlri : Json.array(byNextHop.getValue())) {
          String prefix = Addresses.canonicalPrefix(nlriText(nlri));
          rib.put(prefix, route(prefix, nextHop, attrs));
        }
      }
    }
    for (Map.Entry<String, Object> family : Json.object(Json.at(update, "withdraw").orElse(null)).entrySet()) {
      for (Object nlri : Json.array(family.getValue())) {
        rib.remove(Addresses.canonicalPrefix(nlriText(nlri)));
      }
    }
  }

  private static String nlriText(Object nlri) {
    if (nlri instanceof String s) {
      return s;
    }
    return (String) Json.at(nlri, "nlri").orElseThrow(() -> new IllegalArgumentException("NLRI without prefix"));
  }

  private static ReceivedRoute route(String prefix, String nextHop, Object attrs) {
    List<Long> asPath = new ArrayList<>();
    flattenNumbers(Json.at(attrs, "as-path").orElse(List.of()), asPath);
    List<String> communities = new ArrayList<>();
    for (Object c : Json.array(Json.at(attrs, "community").orElse(null))) {
      List<Object> pair = Json.array(c);
      communities.add(Json.number(pair.get(0)) + ":" + Json.number(pair.get(1)));
    }
    List<String> large = new ArrayList<>();
    for (Object c : Json.array(Json.at(attrs, "large-community").orElse(null))) {
      List<Object> t = Json.array(c);
      large.add(Json.number(t.get(0)) + ":" + Json.number(t.get(1)) + ":" + Json.number(t.get(2)));
    }
    ReceivedRoute.Origin origin = Json.at(attrs, "origin").map(o -> ReceivedRoute.Origin.parse((String) o))
        .orElse(null);
    return new ReceivedRoute(prefix, nextHop, asPath, Json.number(Json.at(attrs, "local-preference").orElse(null)),
        Json.number(Json.at(attrs, "med").orElse(null)), communities, large, origin);
  }

  /** AS_PATH as ExaBGP prints it: numbers, with AS_SETs as nested arrays. */
  private static void flattenNumbers(Object v, List<Long> out) {
    if (v instanceof List<?> l) {
      l.forEach(x -> flattenNumbers(x, out));
    } else if (Json.number(v) != null) {
      out.add(Json.number(v));
    }
  }

  SessionState state(String peer) {
    String s = states.get(Addresses.canonical(peer));
    if (s == null) {
      return SessionState.IDLE;
    }
    return switch (s) {
      case "up" -> SessionState.ESTABLISHED;
      case "connected" -> SessionState.OPEN_SENT;
      default -> SessionState.IDLE;
    };
  }

  List<ReceivedRoute> routes(String peer) {
    return List.copyOf(ribs.getOrDefault(Addresses.canonical(peer), Map.of()).values());
  }

  long routeCount(String peer) {
    return ribs.getOrDefault(Addresses.canonical(peer), Map.of()).size();
  }

  List<SeenNotification> notifications(String peer) {
    return List.copyOf(notifications.getOrDefault(Addresses.canonical(peer), List.of()));
  }
}
