package io.herald.protocol.message;

import java.util.Optional;

/** Subsequent Address Family Identifiers we speak (RFC 4760 §6). */
public enum Safi {
  UNICAST(1);

  private final int code;

  Safi(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<Safi> fromCode(int code) {
    return code == 1 ? Optional.of(UNICAST) : Optional.empty();
  }
}
