package io.herald.protocol.message;

import java.util.Optional;

/** Address Family Identifiers we speak (IANA "Address Family Numbers"; RFC 4760). */
public enum Afi {
  IPV4(1),
  IPV6(2);

  private final int code;

  Afi(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<Afi> fromCode(int code) {
    return switch (code) {
      case 1 -> Optional.of(IPV4);
      case 2 -> Optional.of(IPV6);
      default -> Optional.empty();
    };
  }
}
