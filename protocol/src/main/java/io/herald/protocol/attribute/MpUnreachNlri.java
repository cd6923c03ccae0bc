package io.herald.protocol.attribute;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Prefix;
import java.util.List;
import java.util.Objects;

/**
 * MP_UNREACH_NLRI, optional non-transitive (RFC 4760 §4). With no withdrawn routes and no other
 * attribute in the UPDATE it is that family's End-of-RIB marker (RFC 4724 §2).
 */
public record MpUnreachNlri(AddressFamily family, List<Prefix> withdrawn) implements PathAttribute {
  public MpUnreachNlri {
    Objects.requireNonNull(family, "family");
    withdrawn = List.copyOf(withdrawn);
  }

  @Override
  public int typeCode() {
    return MP_UNREACH_NLRI;
  }
}
