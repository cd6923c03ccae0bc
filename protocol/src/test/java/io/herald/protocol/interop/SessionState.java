package io.herald.protocol.interop;

import java.util.Locale;

/**
 * A router's view of one BGP session, in RFC 4271 §8.2.2 state names. {@link #UNKNOWN} when the
 * router does not (yet) know the neighbor.
 */
public enum SessionState {
  IDLE, CONNECT, ACTIVE, OPEN_SENT, OPEN_CONFIRM, ESTABLISHED, UNKNOWN;

  public boolean isEstablished() {
    return this == ESTABLISHED;
  }

  /** Maps the names BIRD, FRR and GoBGP print ("Established", "OpenSent", "opensent", "Idle (Admin)"). */
  public static SessionState parse(String text) {
    if (text == null) {
      return UNKNOWN;
    }
    String t = text.strip().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    int space = t.indexOf(' ');
    if (space > 0) {
      t = t.substring(0, space);
    }
    return switch (t) {
      case "idle", "down", "clearing", "deleted" -> IDLE;
      case "connect" -> CONNECT;
      case "active" -> ACTIVE;
      case "opensent" -> OPEN_SENT;
      case "openconfirm" -> OPEN_CONFIRM;
      case "established", "establ", "up" -> ESTABLISHED;
      default -> UNKNOWN;
    };
  }
}
