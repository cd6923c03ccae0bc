package io.herald.protocol.attribute;

import java.util.Optional;

/** ORIGIN, well-known mandatory (RFC 4271 §5.1.1). */
public enum Origin implements PathAttribute {
  IGP(0),
  EGP(1),
  INCOMPLETE(2);

  private final int code;

  Origin(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<Origin> fromCode(int code) {
    return switch (code) {
      case 0 -> Optional.of(IGP);
      case 1 -> Optional.of(EGP);
      case 2 -> Optional.of(INCOMPLETE);
      default -> Optional.empty();
    };
  }

  @Override
  public int typeCode() {
    return ORIGIN;
  }
}
