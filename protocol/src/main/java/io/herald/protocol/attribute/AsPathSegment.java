package io.herald.protocol.attribute;

import io.herald.protocol.types.Asn;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One AS_PATH / AS4_PATH segment (RFC 4271 §4.3; confederation types RFC 5065 §3). */
public record AsPathSegment(Type type, List<Asn> asns) {
  public enum Type {
    AS_SET(1),
    AS_SEQUENCE(2),
    AS_CONFED_SEQUENCE(3),
    AS_CONFED_SET(4);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    public static Optional<Type> fromCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  public AsPathSegment {
    Objects.requireNonNull(type, "type");
    asns = List.copyOf(asns);
    if (asns.isEmpty() || asns.size() > 255) {
      throw new IllegalArgumentException("a segment holds 1..255 ASNs, not " + asns.size());
    }
  }

  public static AsPathSegment sequence(Asn... asns) {
    return new AsPathSegment(Type.AS_SEQUENCE, List.of(asns));
  }
}
