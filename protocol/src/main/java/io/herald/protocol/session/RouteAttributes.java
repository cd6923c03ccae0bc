package io.herald.protocol.session;

import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the owner of a route wants announced with it, before export policy. The session turns it
 * into the wire attributes for its peer: AS path with our AS for eBGP, next hop self unless one is
 * given, LOCAL_PREF only towards iBGP peers (RFC 4271 §5.1.5). Share one instance among all the
 * prefixes that carry the same attributes.
 */
public record RouteAttributes(
    Optional<InetAddress> nextHop,
    OptionalLong localPref,
    OptionalLong multiExitDisc,
    List<Community> communities,
    List<LargeCommunity> largeCommunities) {

  public static final RouteAttributes DEFAULT = new RouteAttributes(
      Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), List.of(), List.of());

  public RouteAttributes {
    Objects.requireNonNull(nextHop, "nextHop");
    Objects.requireNonNull(localPref, "localPref");
    Objects.requireNonNull(multiExitDisc, "multiExitDisc");
    communities = List.copyOf(communities);
    largeCommunities = List.copyOf(largeCommunities);
  }

  /** The same attributes plus {@code c} (for RFC 8326 graceful shutdown, for instance). */
  public RouteAttributes withCommunity(Community c) {
    if (communities.contains(c)) {
      return this;
    }
    var all = new java.util.ArrayList<>(communities);
    all.add(c);
    return new RouteAttributes(nextHop, localPref, multiExitDisc, all, largeCommunities);
  }
}
