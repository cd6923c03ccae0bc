package io.herald.protocol.message;

import java.util.Optional;

/** BGP message types (RFC 4271 §4.1; ROUTE-REFRESH from RFC 2918 §3). */
public enum MessageType {
  OPEN(1),
  UPDATE(2),
  NOTIFICATION(3),
  KEEPALIVE(4),
  ROUTE_REFRESH(5);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<MessageType> fromCode(int code) {
    for (MessageType t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
