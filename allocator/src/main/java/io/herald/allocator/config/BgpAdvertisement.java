package io.herald.allocator.config;

import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.LabelSelector;
import java.util.List;

/**
 * A {@code BGPAdvertisement}, or one legacy {@code bgp-advertisements} entry of a pool.
 * {@code localPref} 0 means unset. Empty {@code ipAddressPools} and selectors mean every pool;
 * empty {@code peers} every peer; empty {@code nodeSelectors} every node.
 */
public record BgpAdvertisement(
    String name,
    int aggregationLength,
    int aggregationLengthV6,
    long localPref,
    List<Community> communities,
    List<String> ipAddressPools,
    List<LabelSelector> ipAddressPoolSelectors,
    List<LabelSelector> nodeSelectors,
    List<String> peers,
    List<LabelSelector> serviceSelectors) {

  public BgpAdvertisement {
    communities = List.copyOf(communities);
    ipAddressPools = List.copyOf(ipAddressPools);
    ipAddressPoolSelectors = List.copyOf(ipAddressPoolSelectors);
    nodeSelectors = List.copyOf(nodeSelectors);
    peers = List.copyOf(peers);
    serviceSelectors = List.copyOf(serviceSelectors);
  }

  /** Whether this advertisement announces addresses of {@code pool}. */
  public boolean appliesTo(IpPool pool) {
    if (ipAddressPools.isEmpty() && ipAddressPoolSelectors.isEmpty()) {
      return true;
    }
    return ipAddressPools.contains(pool.name()) || LabelSelector.anyMatches(ipAddressPoolSelectors, pool.labels());
  }
}
