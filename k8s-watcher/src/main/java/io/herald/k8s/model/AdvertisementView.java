package io.herald.k8s.model;

import io.herald.allocator.config.PreferredNodeSelector;
import io.herald.allocator.pool.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BGPAdvertisement or an L2Advertisement, reduced to what selects pools, Services, nodes and
 * peers.
 *
 * @param name {@code metadata.name}
 * @param protocol BGP for BGPAdvertisement, LAYER2 for L2Advertisement
 * @param ipAddressPools pool names
 * @param ipAddressPoolSelectors selectors on pool labels
 * @param serviceSelectors selectors on Service labels (ORed; empty matches every Service)
 * @param nodeSelectors selectors on Node labels (ORed; empty matches every node)
 * @param peers BGPPeer names (BGP only; empty means every peer)
 * @param interfaces interface names (Layer 2 only; empty means every interface)
 * @param preferredNodeSelectors weighted node preferences for the Layer 2 election (Layer 2 only)
 */
public record AdvertisementView(
    String name,
    AnnounceProtocol protocol,
    List<String> ipAddressPools,
    List<LabelSelector> ipAddressPoolSelectors,
    List<LabelSelector> serviceSelectors,
    List<LabelSelector> nodeSelectors,
    List<String> peers,
    List<String> interfaces,
    List<PreferredNodeSelector> preferredNodeSelectors) {

  public AdvertisementView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    ipAddressPools = List.copyOf(ipAddressPools);
    ipAddressPoolSelectors = List.copyOf(ipAddressPoolSelectors);
    serviceSelectors = List.copyOf(serviceSelectors);
    nodeSelectors = List.copyOf(nodeSelectors);
    peers = List.copyOf(peers);
    interfaces = List.copyOf(interfaces);
    preferredNodeSelectors = List.copyOf(preferredNodeSelectors);
  }

  /** An advertisement without preferred nodes (every BGPAdvertisement, most L2Advertisements). */
  public AdvertisementView(
      String name,
      AnnounceProtocol protocol,
      List<String> ipAddressPools,
      List<LabelSelector> ipAddressPoolSelectors,
      List<LabelSelector> serviceSelectors,
      List<LabelSelector> nodeSelectors,
      List<String> peers,
      List<String> interfaces) {
    this(name, protocol, ipAddressPools, ipAddressPoolSelectors, serviceSelectors, nodeSelectors, peers, interfaces,
        List.of());
  }

  /**
   * Whether this advertisement covers {@code pool}: named, or selected by label; with neither a
   * name list nor selectors it covers every pool.
   */
  public boolean covers(PoolView pool) {
    if (ipAddressPools.isEmpty() && ipAddressPoolSelectors.isEmpty()) return true;
    return ipAddressPools.contains(pool.name())
        || ipAddressPoolSelectors.stream().anyMatch(s -> s.matches(pool.labels()));
  }

  /** Whether a node with these labels may announce through this advertisement ({@code nodeSelectors}). */
  public boolean selectsNode(Map<String, String> nodeLabels) {
    return nodeSelectors.isEmpty() || LabelSelector.anyMatches(nodeSelectors, nodeLabels);
  }

  /**
   * This advertisement's score for a node in the Layer 2 election: the summed weights of the
   * {@code preferredNodeSelectors} that match it, and 0 for a node its {@code nodeSelectors} do
   * not select (an advertisement never raises a node it does not make eligible; MetalLB
   * {@code design/preferred-node-l2.md}, "Score Calculation").
   */
  public int preferenceScore(Map<String, String> nodeLabels) {
    if (!selectsNode(nodeLabels)) return 0;
    int score = 0;
    for (PreferredNodeSelector p : preferredNodeSelectors) {
      if (p.preference().matches(nodeLabels)) score += p.weight();
    }
    return score;
  }
}
