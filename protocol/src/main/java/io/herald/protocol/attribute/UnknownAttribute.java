package io.herald.protocol.attribute;

import io.herald.protocol.types.Octets;
import java.util.Objects;

/** An attribute we do not interpret, kept with its flags and value as received. */
public record UnknownAttribute(int flags, int typeCode, Octets value) implements PathAttribute {
  public UnknownAttribute {
    if (flags < 0 || flags > 255 || typeCode < 0 || typeCode > 255) {
      throw new IllegalArgumentException("flags/type are one octet");
    }
    Objects.requireNonNull(value, "value");
  }
}
