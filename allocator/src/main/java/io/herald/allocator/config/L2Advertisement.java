package io.herald.allocator.config;

import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.LabelSelector;
import java.util.List;

/**
 * An {@code L2Advertisement}, or the implied one of a legacy {@code protocol: layer2} pool.
 * {@code preferredNodeSelectors} is MetalLB main's soft preference in the election (empty for a
 * legacy pool).
 */
public record L2Advertisement(
    String name,
    List<String> ipAddressPools,
    List<LabelSelector> ipAddressPoolSelectors,
    List<LabelSelector> nodeSelectors,
    List<String> interfaces,
    List<LabelSelector> serviceSelectors,
    List<PreferredNodeSelector> preferredNodeSelectors) {

  public L2Advertisement {
    ipAddressPools = List.copyOf(ipAddressPools);
    ipAddressPoolSelectors = List.copyOf(ipAddressPoolSelectors);
    nodeSelectors = List.copyOf(nodeSelectors);
    interfaces = List.copyOf(interfaces);
    serviceSelectors = List.copyOf(serviceSelectors);
    preferredNodeSelectors = List.copyOf(preferredNodeSelectors);
  }

  public boolean appliesTo(IpPool pool) {
    if (ipAddressPools.isEmpty() && ipAddressPoolSelectors.isEmpty()) {
      return true;
    }
    return ipAddressPools.contains(pool.name()) || LabelSelector.anyMatches(ipAddressPoolSelectors, pool.labels());
  }
}
