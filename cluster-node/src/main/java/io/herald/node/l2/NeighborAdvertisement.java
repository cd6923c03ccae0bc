package io.herald.node.l2;

import java.net.Inet6Address;
import java.util.Objects;
import java.util.Optional;

/**
 * A Neighbor Advertisement (RFC 4861 §4.4) with its IPv6 source and destination.
 *
 * @param router the R flag
 * @param solicited the S flag: set only in answer to a unicast-sourced solicitation
 * @param override the O flag: the receiver replaces a cached link-layer address
 * @param targetLinkLayer the Target Link-Layer Address option
 */
public record NeighborAdvertisement(Inet6Address source, Inet6Address destination, boolean router,
    boolean solicited, boolean override, Inet6Address target, Optional<MacAddress> targetLinkLayer) {

  public NeighborAdvertisement {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetLinkLayer, "targetLinkLayer");
  }
}
