package io.herald.node.announce;

import io.herald.allocator.config.BgpAdvertisement;
import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.Community;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.LabelSelector;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Prefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Pure: which routes one peer session should carry, given this node's desired announcements and
 * the BGPAdvertisements. No actor, socket or clock, so every rule is a unit test.
 */
public final class RoutePlanner {
  private RoutePlanner() {}

  /** Whether {@code peer} peers from this node (BGPPeer {@code nodeSelectors}; none means every node). */
  public static boolean selects(BgpPeer peer, Map<String, String> nodeLabels) {
    return matchesOrEmpty(peer.nodeSelectors(), nodeLabels);
  }

  /**
   * The complete route set for {@code peer}. For every announced Service and every advertisement
   * that applies to its pool, its Service labels, this node and this peer, each address is
   * announced as the prefix of the advertisement's aggregation length, with its communities and
   * local preference. Advertisements that yield the same prefix are merged (communities are
   * united; the highest local preference wins, as validation allows only one).
   *
   * @param gracefulShutdown add the GRACEFUL_SHUTDOWN community (RFC 8326 §3) to every route
   */
  public static Map<Prefix, RouteAttributes> routesFor(BgpPeer peer, Map<String, String> nodeLabels,
      Collection<ServiceAnnouncement> desired, HeraldConfig config, boolean gracefulShutdown) {
    Map<Prefix, Builder> out = new TreeMap<>();
    List<BgpAdvertisement> forPeer = new ArrayList<>();
    for (BgpAdvertisement adv : config.bgpAdvertisements()) {
      if ((adv.peers().isEmpty() || adv.peers().contains(peer.name())) && matchesOrEmpty(adv.nodeSelectors(), nodeLabels)) {
        forPeer.add(adv);
      }
    }
    for (ServiceAnnouncement s : desired) {
      if (!s.announce()) {
        continue;
      }
      Optional<IpPool> pool = config.pools().pool(s.pool());
      if (pool.isEmpty()) {
        continue;
      }
      for (BgpAdvertisement adv : forPeer) {
        if (!adv.appliesTo(pool.get()) || !matchesOrEmpty(adv.serviceSelectors(), s.serviceLabels())) {
          continue;
        }
        for (IpAddress ip : s.ips()) {
          int length = ip.isV4() ? adv.aggregationLength() : adv.aggregationLengthV6();
          Prefix prefix = Prefix.containing(ip.toInetAddress(), length);
          out.computeIfAbsent(prefix, p -> new Builder()).add(adv);
        }
      }
    }
    // Share one RouteAttributes per distinct attribute set, so the Adj-RIB-Out groups prefixes.
    Map<RouteAttributes, RouteAttributes> interned = new HashMap<>();
    Map<Prefix, RouteAttributes> routes = new TreeMap<>();
    for (var e : out.entrySet()) {
      RouteAttributes ra = e.getValue().build(gracefulShutdown);
      routes.put(e.getKey(), interned.computeIfAbsent(ra, x -> x));
    }
    return routes;
  }

  private static boolean matchesOrEmpty(List<LabelSelector> selectors, Map<String, String> labels) {
    return selectors.isEmpty() || LabelSelector.anyMatches(selectors, labels);
  }

  private static final class Builder {
    final LinkedHashSet<io.herald.protocol.attribute.Community> communities = new LinkedHashSet<>();
    final LinkedHashSet<LargeCommunity> large = new LinkedHashSet<>();
    long localPref;

    void add(BgpAdvertisement adv) {
      for (Community c : adv.communities()) {
        if (c instanceof Community.Standard s) {
          communities.add(io.herald.protocol.attribute.Community.of(s.asn(), s.value()));
        } else if (c instanceof Community.Large l) {
          large.add(new LargeCommunity(l.globalAdministrator(), l.localData1(), l.localData2()));
        }
      }
      localPref = Math.max(localPref, adv.localPref());
    }

    RouteAttributes build(boolean gracefulShutdown) {
      List<io.herald.protocol.attribute.Community> all = new ArrayList<>(communities);
      if (gracefulShutdown && !all.contains(io.herald.protocol.attribute.Community.GRACEFUL_SHUTDOWN)) {
        all.add(io.herald.protocol.attribute.Community.GRACEFUL_SHUTDOWN);
      }
      return new RouteAttributes(Optional.empty(), localPref == 0 ? OptionalLong.empty() : OptionalLong.of(localPref),
          OptionalLong.empty(), all, List.copyOf(large));
    }
  }
}
