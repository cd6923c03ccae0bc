package io.herald.protocol.attribute;

import java.net.Inet4Address;
import java.util.Objects;

/** NEXT_HOP, well-known mandatory for IPv4 NLRI (RFC 4271 §5.1.3). */
public record NextHop(Inet4Address address) implements PathAttribute {
  public NextHop {
    Objects.requireNonNull(address, "address");
  }

  @Override
  public int typeCode() {
    return NEXT_HOP;
  }
}
