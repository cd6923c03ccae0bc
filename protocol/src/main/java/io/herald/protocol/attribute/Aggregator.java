package io.herald.protocol.attribute;

import io.herald.protocol.types.Asn;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * AGGREGATOR, optional transitive (RFC 4271 §5.1.7). The ASN is the real one; a 2-octet session
 * carries AS_TRANS here plus AS4_AGGREGATOR (RFC 6793 §4.2.2).
 */
public record Aggregator(Asn asn, Inet4Address address) implements PathAttribute {
  public Aggregator {
    Objects.requireNonNull(asn, "asn");
    Objects.requireNonNull(address, "address");
  }

  @Override
  public int typeCode() {
    return AGGREGATOR;
  }
}
