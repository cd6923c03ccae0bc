package io.herald.k8s.decision;

import io.herald.allocator.pool.LabelSelector;
import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.PeerView;
import io.herald.k8s.model.PoolView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure announce decision of one node for one Service, with MetalLB's rules (speaker
 * {@code main.go handleService}, {@code bgp_controller.go} and {@code layer2_controller.go}
 * {@code ShouldAnnounce}). No I/O, no clock, no randomness: the same views give the same answer.
 */
public final class AnnouncePolicy {

  private AnnouncePolicy() {}

  /**
   * Both protocols' decisions for {@code key}; an absent Service (deleted) withdraws both.
   *
   * @param svc the Service, or empty when it is gone
   * @param endpoints the endpoints of all its EndpointSlices
   * @param nodes every known Node by name (this node included, when known)
   */
  public static ServiceDecision decide(
      ServiceKey key,
      Optional<ServiceView> svc,
      List<EndpointView> endpoints,
      Map<String, NodeView> nodes,
      ConfigView config,
      AnnounceSettings settings) {
    if (svc.isEmpty()) {
      return new ServiceDecision(
          key,
          new AnnounceDecision.Withdraw(AnnounceProtocol.BGP, Reason.SERVICE_DELETED),
          new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.SERVICE_DELETED));
    }
    return new ServiceDecision(
        key,
        decideBgp(svc.get(), endpoints, nodes.get(settings.nodeName()), config, settings),
        decideLayer2(svc.get(), endpoints, nodes.values(), config, settings));
  }

  /** Rules shared by both protocols, in MetalLB's order; empty when the Service may be announced. */
  private static Optional<Reason> serviceRule(ServiceView svc, ConfigView config, AnnounceSettings s) {
    if (!svc.loadBalancerClass().equals(s.loadBalancerClass())) {
      return Optional.of(Reason.LOAD_BALANCER_CLASS_MISMATCH);
    }
    if (!svc.isLoadBalancer()) return Optional.of(Reason.NOT_LOAD_BALANCER);
    if (svc.ingressIps().isEmpty()) return Optional.of(Reason.NO_IP_ALLOCATED);
    if (poolOf(svc, config).isEmpty()) return Optional.of(Reason.IP_NOT_ALLOWED);
    return Optional.empty();
  }

  /** The pool holding the Service's first IP; every IP must lie in it (one pool per Service). */
  static Optional<PoolView> poolOf(ServiceView svc, ConfigView config) {
    return config.pools().stream()
        .filter(p -> svc.ingressIps().stream().allMatch(p::contains))
        .findFirst();
  }

  /** Node conditions that keep a node from announcing at all. */
  private static Optional<Reason> nodeRule(NodeView node, AnnounceSettings s) {
    if (node.networkUnavailable()) return Optional.of(Reason.NODE_NETWORK_UNAVAILABLE);
    if (!s.ignoreExcludeLabel() && node.excludedFromLoadBalancers()) {
      return Optional.of(Reason.NODE_LABELED_EXCLUDE_BALANCERS);
    }
    return Optional.empty();
  }

  private static List<AdvertisementView> advertisementsFor(
      AnnounceProtocol protocol, ServiceView svc, PoolView pool, ConfigView config) {
    return config.advertisements().stream()
        .filter(a -> a.protocol() == protocol)
        .filter(a -> a.covers(pool))
        .filter(a -> selects(a.serviceSelectors(), svc.labels()))
        .toList();
  }

  private static boolean anyServes(List<EndpointView> endpoints) {
    return endpoints.stream().anyMatch(EndpointView::canServe);
  }

  private static boolean anyServesOn(List<EndpointView> endpoints, String node) {
    return endpoints.stream().anyMatch(e -> e.canServeOn(node));
  }

  /**
   * BGP: every node whose advertisements and peers select it announces, provided an endpoint can
   * serve (ETP Cluster) or one can serve on this node (ETP Local).
   */
  public static AnnounceDecision decideBgp(
      ServiceView svc, List<EndpointView> endpoints, NodeView me, ConfigView config, AnnounceSettings s) {
    AnnounceProtocol p = AnnounceProtocol.BGP;
    Optional<Reason> r = serviceRule(svc, config, s);
    if (r.isPresent()) return new AnnounceDecision.Withdraw(p, r.get());
    if (me == null) return new AnnounceDecision.Withdraw(p, Reason.NODE_UNKNOWN);
    r = nodeRule(me, s);
    if (r.isPresent()) return new AnnounceDecision.Withdraw(p, r.get());

    PoolView pool = poolOf(svc, config).orElseThrow();
    List<AdvertisementView> ads = advertisementsFor(p, svc, pool, config);
    if (ads.isEmpty()) return new AnnounceDecision.Withdraw(p, Reason.NO_MATCHING_ADVERTISEMENT);
    List<AdvertisementView> mine =
        ads.stream().filter(a -> selects(a.nodeSelectors(), me.labels())).toList();
    if (mine.isEmpty()) return new AnnounceDecision.Withdraw(p, Reason.NOT_OWNER);

    TreeSet<String> peers = new TreeSet<>();
    for (PeerView peer : config.peers()) {
      if (!selects(peer.nodeSelectors(), me.labels())) continue;
      if (mine.stream().anyMatch(a -> a.peers().isEmpty() || a.peers().contains(peer.name()))) {
        peers.add(peer.name());
      }
    }
    if (peers.isEmpty()) return new AnnounceDecision.Withdraw(p, Reason.NO_MATCHING_PEER);

    if (svc.externalTrafficPolicy() == TrafficPolicy.LOCAL) {
      if (!anyServesOn(endpoints, me.name())) return new AnnounceDecision.Withdraw(p, Reason.NO_LOCAL_ENDPOINTS);
    } else if (!anyServes(endpoints)) {
      return new AnnounceDecision.Withdraw(p, Reason.NO_ENDPOINTS);
    }
    return new AnnounceDecision.Announce(p, svc.ingressIps(), names(mine), List.copyOf(peers), List.of());
  }

  /**
   * Layer 2: the candidates are the nodes that pass the node rules and the advertisements' node
   * selectors (and, for ETP Local, have an endpoint that can serve); they are ordered by their
   * summed {@code preferredNodeSelectors} score, highest first, then by
   * {@code sha256(node + "#" + firstIP)} ({@link Layer2Election}); only the first announces.
   * Liveness (MetalLB's memberlist) enters through {@code nodes}: the caller passes only the nodes
   * with a live speaker, or every Node object, as MetalLB without memberlist.
   */
  public static AnnounceDecision decideLayer2(
      ServiceView svc,
      List<EndpointView> endpoints,
      Collection<NodeView> nodes,
      ConfigView config,
      AnnounceSettings s) {
    AnnounceProtocol p = AnnounceProtocol.LAYER2;
    Optional<Reason> r = serviceRule(svc, config, s);
    if (r.isPresent()) return new AnnounceDecision.Withdraw(p, r.get());
    NodeView me = nodes.stream().filter(n -> n.name().equals(s.nodeName())).findFirst().orElse(null);
    if (me == null) return new AnnounceDecision.Withdraw(p, Reason.NODE_UNKNOWN);
    r = nodeRule(me, s);
    if (r.isPresent()) return new AnnounceDecision.Withdraw(p, r.get());

    PoolView pool = poolOf(svc, config).orElseThrow();
    List<AdvertisementView> ads = advertisementsFor(p, svc, pool, config);
    if (ads.isEmpty()) return new AnnounceDecision.Withdraw(p, Reason.NO_MATCHING_ADVERTISEMENT);
    if (svc.sharingKey().isPresent() && ads.stream().anyMatch(a -> !a.serviceSelectors().isEmpty())) {
      return new AnnounceDecision.Withdraw(p, Reason.SHARED_IP_WITH_SERVICE_SELECTOR);
    }
    boolean local = svc.externalTrafficPolicy() == TrafficPolicy.LOCAL;
    if (!anyServes(endpoints)) {
      return new AnnounceDecision.Withdraw(p, local ? Reason.NO_LOCAL_ENDPOINTS : Reason.NO_ENDPOINTS);
    }
    if (local && !anyServesOn(endpoints, me.name())) {
      return new AnnounceDecision.Withdraw(p, Reason.NO_LOCAL_ENDPOINTS);
    }

    // Candidates in a sorted map: the election then does not depend on the order nodes come in.
    TreeMap<String, Integer> candidates = new TreeMap<>();
    for (NodeView n : nodes) {
      if (local && !anyServesOn(endpoints, n.name())) continue;
      if (nodeRule(n, s).isPresent()) continue;
      if (ads.stream().noneMatch(a -> a.selectsNode(n.labels()))) continue;
      // preferredNodeSelectors: each advertisement for this Service adds its score (MetalLB main).
      candidates.put(n.name(), ads.stream().mapToInt(a -> a.preferenceScore(n.labels())).sum());
    }
    Optional<String> winner = Layer2Election.owner(svc.ingressIps().get(0), candidates);
    if (winner.isEmpty() || !winner.get().equals(me.name())) {
      return new AnnounceDecision.Withdraw(p, Reason.NOT_OWNER);
    }
    List<AdvertisementView> mine =
        ads.stream().filter(a -> selects(a.nodeSelectors(), me.labels())).toList();
    TreeSet<String> interfaces = new TreeSet<>();
    // An advertisement without interfaces means "all interfaces", which wins over any list.
    boolean all = mine.stream().anyMatch(a -> a.interfaces().isEmpty());
    if (!all) mine.forEach(a -> interfaces.addAll(a.interfaces()));
    return new AnnounceDecision.Announce(p, svc.ingressIps(), names(mine), List.of(), List.copyOf(interfaces));
  }

  private static List<String> names(List<AdvertisementView> ads) {
    return ads.stream().map(AdvertisementView::name).sorted().distinct().toList();
  }

  /**
   * MetalLB's rule for a list of selectors in an advertisement or peer: an empty list selects
   * everything, otherwise any one selector must match (they are ORed).
   */
  static boolean selects(List<LabelSelector> selectors, Map<String, String> labels) {
    return selectors.isEmpty() || LabelSelector.anyMatches(selectors, labels);
  }
}
