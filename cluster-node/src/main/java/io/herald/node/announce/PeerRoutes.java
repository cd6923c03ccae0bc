package io.herald.node.announce;

import io.herald.allocator.config.BgpAdvertisement;
import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.Community;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.IpPool;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Prefix;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Pure and incremental: the routes one peer session carries, kept up to date one Service at a
 * time, so that a change of one Service costs a few look-ups and not a pass over every Service.
 *
 * <p>The rules are those of {@link RoutePlanner#routesFor}: for every announced Service and every
 * BGPAdvertisement that applies to its pool, its Service labels, this node and this peer, each
 * address is announced as the prefix of the advertisement's aggregation length. Several Services
 * (or several advertisements) may yield one prefix; the route then carries the merge of every
 * advertisement that yields it. So each prefix keeps a count per advertisement of the (Service,
 * address) pairs that yield it through that advertisement, and its attributes follow from which
 * counts are not zero: communities united in configuration order, the highest local preference.
 *
 * <p>Peer, node labels, configuration and graceful shutdown are fixed for an instance: when one
 * of them changes the caller builds a new one from its desired set.
 */
public final class PeerRoutes {
  /** The advertisements that apply to this peer on this node, in configuration order. */
  private final List<BgpAdvertisement> advertisements;
  private final HeraldConfig config;
  private final boolean gracefulShutdown;
  /** Every announced prefix, with what yields it and its attributes. */
  private final Map<Prefix, Route> routes = new HashMap<>();
  /** One attributes instance per set of advertisements, so the Adj-RIB-Out groups prefixes. */
  private final Map<BitSet, RouteAttributes> attributesOf = new HashMap<>();
  /** Routes changed since {@link #takeChanges}: the new attributes, or null for a removed route. */
  private Map<Prefix, RouteAttributes> changes = new HashMap<>();
  /** An immutable copy of the routes; null after a change until it is asked for. */
  private Map<Prefix, RouteAttributes> snapshot = Map.of();

  /** One prefix: how many (Service, address) pairs yield it through each advertisement. */
  private static final class Route {
    final int[] counts;
    RouteAttributes attributes;

    Route(int advertisements) {
      counts = new int[advertisements];
    }
  }

  /** @param gracefulShutdown add the GRACEFUL_SHUTDOWN community (RFC 8326 §3) to every route */
  public PeerRoutes(BgpPeer peer, Map<String, String> nodeLabels, HeraldConfig config, boolean gracefulShutdown) {
    this.config = config;
    this.gracefulShutdown = gracefulShutdown;
    List<BgpAdvertisement> forPeer = new ArrayList<>();
    for (BgpAdvertisement adv : config.bgpAdvertisements()) {
      if ((adv.peers().isEmpty() || adv.peers().contains(peer.name()))
          && RoutePlanner.matchesOrEmpty(adv.nodeSelectors(), nodeLabels)) {
        forPeer.add(adv);
      }
    }
    this.advertisements = List.copyOf(forPeer);
  }

  /**
   * Replaces what {@code before} yielded with what {@code after} yields, for one Service; null
   * stands for a Service that is not (or no longer) desired.
   *
   * @return whether any route was added, removed or changed its attributes
   */
  public boolean replace(ServiceAnnouncement before, ServiceAnnouncement after) {
    if (before == after || (before != null && before.equals(after))) {
      return false;
    }
    List<Prefix> touched = new ArrayList<>();
    count(before, -1, touched);
    count(after, +1, touched);
    boolean changed = false;
    for (Prefix p : touched) {
      changed |= settle(p);
    }
    if (changed) {
      snapshot = null;
    }
    return changed;
  }

  /** The routes as they stand: an immutable map, the same instance until the next change. */
  public Map<Prefix, RouteAttributes> routes() {
    if (snapshot == null) {
      @SuppressWarnings("unchecked")
      Map.Entry<Prefix, RouteAttributes>[] entries = new Map.Entry[routes.size()];
      int i = 0;
      for (Map.Entry<Prefix, Route> e : routes.entrySet()) {
        entries[i++] = Map.entry(e.getKey(), e.getValue().attributes);
      }
      snapshot = Map.ofEntries(entries);
    }
    return snapshot;
  }

  public int size() {
    return routes.size();
  }

  /**
   * The routes changed since the last call, as a session takes them: each prefix with its new
   * attributes, or null when it is no longer announced. A prefix that changed and changed back
   * may be in it with the attributes it had.
   */
  public Map<Prefix, RouteAttributes> takeChanges() {
    Map<Prefix, RouteAttributes> out = changes;
    changes = new HashMap<>();
    return out;
  }

  private void count(ServiceAnnouncement s, int delta, List<Prefix> touched) {
    if (s == null || !s.announce()) {
      return;
    }
    Optional<IpPool> pool = config.pools().pool(s.pool());
    if (pool.isEmpty()) {
      return;
    }
    for (int i = 0; i < advertisements.size(); i++) {
      BgpAdvertisement adv = advertisements.get(i);
      if (!adv.appliesTo(pool.get()) || !RoutePlanner.matchesOrEmpty(adv.serviceSelectors(), s.serviceLabels())) {
        continue;
      }
      for (IpAddress ip : s.ips()) {
        int length = ip.isV4() ? adv.aggregationLength() : adv.aggregationLengthV6();
        Prefix prefix = Prefix.containing(ip.toInetAddress(), length);
        routes.computeIfAbsent(prefix, p -> new Route(advertisements.size())).counts[i] += delta;
        touched.add(prefix);
      }
    }
  }

  /** Brings the route of {@code p} in line with its counts; whether it changed. */
  private boolean settle(Prefix p) {
    Route r = routes.get(p);
    if (r == null) {
      return false; // settled already: listed twice
    }
    BitSet yielding = new BitSet(advertisements.size());
    for (int i = 0; i < r.counts.length; i++) {
      if (r.counts[i] > 0) {
        yielding.set(i);
      }
    }
    if (yielding.isEmpty()) {
      routes.remove(p);
      if (r.attributes == null) {
        return false; // came and went within one change
      }
      changes.put(p, null);
      return true;
    }
    RouteAttributes next = attributesOf.computeIfAbsent(yielding, this::attributes);
    if (r.attributes == next) {
      return false;
    }
    r.attributes = next;
    changes.put(p, next);
    return true;
  }

  private RouteAttributes attributes(BitSet yielding) {
    LinkedHashSet<io.herald.protocol.attribute.Community> communities = new LinkedHashSet<>();
    LinkedHashSet<LargeCommunity> large = new LinkedHashSet<>();
    long localPref = 0;
    for (int i = yielding.nextSetBit(0); i >= 0; i = yielding.nextSetBit(i + 1)) {
      BgpAdvertisement adv = advertisements.get(i);
      for (Community c : adv.communities()) {
        if (c instanceof Community.Standard s) {
          communities.add(io.herald.protocol.attribute.Community.of(s.asn(), s.value()));
        } else if (c instanceof Community.Large l) {
          large.add(new LargeCommunity(l.globalAdministrator(), l.localData1(), l.localData2()));
        }
      }
      // Validation allows one local preference per prefix; the highest wins if several meet.
      localPref = Math.max(localPref, adv.localPref());
    }
    if (gracefulShutdown) {
      communities.add(io.herald.protocol.attribute.Community.GRACEFUL_SHUTDOWN);
    }
    return new RouteAttributes(Optional.empty(), localPref == 0 ? OptionalLong.empty() : OptionalLong.of(localPref),
        OptionalLong.empty(), List.copyOf(communities), List.copyOf(large));
  }
}
