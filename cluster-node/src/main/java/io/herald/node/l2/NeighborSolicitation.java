package io.herald.node.l2;

import java.net.Inet6Address;
import java.util.Objects;
import java.util.Optional;

/**
 * A Neighbor Solicitation (RFC 4861 §4.3) with the IPv6 header fields its validation needs.
 *
 * @param source the IPv6 source; the unspecified address {@code ::} in duplicate address detection
 * @param sourceLinkLayer the Source Link-Layer Address option, when present
 */
public record NeighborSolicitation(Inet6Address source, Inet6Address destination, Inet6Address target,
    Optional<MacAddress> sourceLinkLayer) {

  public NeighborSolicitation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(sourceLinkLayer, "sourceLinkLayer");
  }

  /** Whether the sender is doing duplicate address detection (RFC 4862 §5.4.2). */
  public boolean fromUnspecified() {
    return source.isAnyLocalAddress();
  }
}
