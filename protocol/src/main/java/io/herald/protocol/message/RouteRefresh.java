package io.herald.protocol.message;

/**
 * ROUTE-REFRESH (RFC 2918 §3, with the RFC 7313 §3.2 subtype in the former Reserved octet).
 * AFI and SAFI stay raw: a request for a family we did not negotiate is ignored, not an error.
 */
public record RouteRefresh(int afi, int safi, int subtype) implements BgpMessage {
  public static final int NORMAL = 0;
  public static final int BEGIN_OF_ROUTE_REFRESH = 1;
  public static final int END_OF_ROUTE_REFRESH = 2;

  public RouteRefresh {
    if (afi < 0 || afi > 0xFFFF || safi < 0 || safi > 255 || subtype < 0 || subtype > 255) {
      throw new IllegalArgumentException("afi/safi/subtype out of range");
    }
  }

  public static RouteRefresh of(AddressFamily family, int subtype) {
    return new RouteRefresh(family.afi().code(), family.safi().code(), subtype);
  }

  @Override
  public MessageType type() {
    return MessageType.ROUTE_REFRESH;
  }
}
