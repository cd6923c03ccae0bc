package io.herald.node.announce;

import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.pool.LabelSelector;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Prefix;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure: which routes one peer session should carry, given this node's desired announcements and
 * the BGPAdvertisements, computed whole ({@link PeerRoutes} keeps them up to date one Service at a
 * time). No actor, socket or clock, so every rule is a unit test.
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
    PeerRoutes routes = new PeerRoutes(peer, nodeLabels, config, gracefulShutdown);
    for (ServiceAnnouncement s : desired) {
      routes.replace(null, s);
    }
    return new TreeMap<>(routes.routes());
  }

  static boolean matchesOrEmpty(List<LabelSelector> selectors, Map<String, String> labels) {
    return selectors.isEmpty() || LabelSelector.anyMatches(selectors, labels);
  }
}
