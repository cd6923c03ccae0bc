package io.herald.protocol.rib;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.attribute.Origin;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The attributes of routes we send, as they go on the wire to one peer (after export policy: the
 * AS path already carries our AS for eBGP, LOCAL_PREF is present only for iBGP). Immutable and
 * hash-cached: the Adj-RIB-Out groups prefixes by equal instances and packs each group into as few
 * UPDATEs as the message size allows (the idea of BIRD's buckets).
 *
 * <p>{@code nextHop} is IPv4 for IPv4 routes (NEXT_HOP, RFC 4271 §5.1.3) and IPv6 for IPv6 routes
 * (MP_REACH_NLRI, RFC 4760 §3), optionally with a link-local next hop (RFC 2545 §3).
 */
public record PathAttributes(
    Origin origin,
    AsPath asPath,
    InetAddress nextHop,
    Optional<Inet6Address> linkLocalNextHop,
    OptionalLong multiExitDisc,
    OptionalLong localPref,
    List<Community> communities,
    List<LargeCommunity> largeCommunities) {

  /**
   * "Next hop self": our own address on the session, filled in when the UPDATE is packed. The
   * unspecified address is never a valid NEXT_HOP on the wire (RFC 4271 §5.1.3), so it cannot be
   * mistaken for a real one; it lets the attributes be computed before any session exists.
   */
  public static final InetAddress NEXT_HOP_SELF_IPV4 =
      io.herald.protocol.types.IpLiterals.parse("0.0.0.0");
  public static final InetAddress NEXT_HOP_SELF_IPV6 =
      io.herald.protocol.types.IpLiterals.parse("::");

  public PathAttributes {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(asPath, "asPath");
    Objects.requireNonNull(nextHop, "nextHop");
    Objects.requireNonNull(linkLocalNextHop, "linkLocalNextHop");
    Objects.requireNonNull(multiExitDisc, "multiExitDisc");
    Objects.requireNonNull(localPref, "localPref");
    communities = List.copyOf(communities);
    largeCommunities = List.copyOf(largeCommunities);
    if (linkLocalNextHop.isPresent() && !(nextHop instanceof Inet6Address)) {
      throw new IllegalArgumentException("a link-local next hop needs an IPv6 next hop");
    }
  }

  /** True when the next hop is to be our address on the session (see {@link #NEXT_HOP_SELF_IPV4}). */
  public boolean nextHopSelf() {
    return nextHop.isAnyLocalAddress();
  }

  /** ORIGIN IGP, the given AS path and next hop, nothing else. */
  public static PathAttributes of(AsPath asPath, InetAddress nextHop) {
    return new PathAttributes(Origin.IGP, asPath, nextHop, Optional.empty(), OptionalLong.empty(),
        OptionalLong.empty(), List.of(), List.of());
  }

  public PathAttributes withCommunities(List<Community> c) {
    return new PathAttributes(origin, asPath, nextHop, linkLocalNextHop, multiExitDisc, localPref,
        c, largeCommunities);
  }

  public PathAttributes withLargeCommunities(List<LargeCommunity> c) {
    return new PathAttributes(origin, asPath, nextHop, linkLocalNextHop, multiExitDisc, localPref,
        communities, c);
  }

  public PathAttributes withLocalPref(OptionalLong lp) {
    return new PathAttributes(origin, asPath, nextHop, linkLocalNextHop, multiExitDisc, lp,
        communities, largeCommunities);
  }

  public PathAttributes withMultiExitDisc(OptionalLong med) {
    return new PathAttributes(origin, asPath, nextHop, linkLocalNextHop, med, localPref,
        communities, largeCommunities);
  }

  public PathAttributes withNextHop(InetAddress nh, Optional<Inet6Address> linkLocal) {
    return new PathAttributes(origin, asPath, nh, linkLocal, multiExitDisc, localPref,
        communities, largeCommunities);
  }

  public PathAttributes withAsPath(AsPath p) {
    return new PathAttributes(origin, p, nextHop, linkLocalNextHop, multiExitDisc, localPref,
        communities, largeCommunities);
  }
}
