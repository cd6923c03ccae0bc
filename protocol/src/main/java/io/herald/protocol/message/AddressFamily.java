package io.herald.protocol.message;

import java.util.Objects;

/** An AFI/SAFI pair: the unit of Multiprotocol capability, End-of-RIB and ROUTE-REFRESH. */
public record AddressFamily(Afi afi, Safi safi) {
  public static final AddressFamily IPV4_UNICAST = new AddressFamily(Afi.IPV4, Safi.UNICAST);
  public static final AddressFamily IPV6_UNICAST = new AddressFamily(Afi.IPV6, Safi.UNICAST);

  public AddressFamily {
    Objects.requireNonNull(afi, "afi");
    Objects.requireNonNull(safi, "safi");
  }

  @Override
  public String toString() {
    return afi + "/" + safi;
  }
}
