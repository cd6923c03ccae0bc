package io.herald.k8s.model;

import io.herald.allocator.pool.LabelSelector;
import java.util.List;
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
 */
public record AdvertisementView(
    String name,
    AnnounceProtocol protocol,
    List<String> ipAddressPools,
    List<LabelSelector> ipAddressPoolSelectors,
    List<LabelSelector> serviceSelectors,
    List<LabelSelector> nodeSelectors,
    List<String> peers,
    List<String> interfaces) {

  public AdvertisementView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    ipAddressPools = List.copyOf(ipAddressPools);
    ipAddressPoolSelectors = List.copyOf(ipAddressPoolSelectors);
    serviceSelectors = List.copyOf(serviceSelectors);
    nodeSelectors = List.copyOf(nodeSelectors);
    peers = List.copyOf(peers);
    interfaces = List.copyOf(interfaces);
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
}
