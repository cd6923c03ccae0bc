package io.herald.protocol.attribute;

import io.herald.protocol.types.Asn;
import java.net.Inet4Address;
import java.util.Objects;

/** AS4_AGGREGATOR, optional transitive (RFC 6793 §3). */
public record As4Aggregator(Asn asn, Inet4Address address) implements PathAttribute {
  public As4Aggregator {
    Objects.requireNonNull(asn, "asn");
    Objects.requireNonNull(address, "address");
  }

  @Override
  public int typeCode() {
    return AS4_AGGREGATOR;
  }
}
