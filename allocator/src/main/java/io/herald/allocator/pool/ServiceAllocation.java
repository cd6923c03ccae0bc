package io.herald.allocator.pool;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code IPAddressPool.spec.serviceAllocation}: which Services a pool is pinned to, and with what
 * priority. A lower non-zero priority wins; 0 (unset) ranks after every pool that has one.
 */
public record ServiceAllocation(
    int priority,
    Set<String> namespaces,
    List<LabelSelector> namespaceSelectors,
    List<LabelSelector> serviceSelectors) {

  public ServiceAllocation {
    namespaces = Set.copyOf(namespaces);
    namespaceSelectors = List.copyOf(namespaceSelectors);
    serviceSelectors = List.copyOf(serviceSelectors);
  }

  /**
   * The namespace set is {@code namespaces} plus every namespace a namespace selector matches;
   * the service selectors are ORed; the two are ANDed. An empty side does not restrict.
   */
  public boolean matches(String namespace, Map<String, String> namespaceLabels, Map<String, String> serviceLabels) {
    boolean nsRestricted = !namespaces.isEmpty() || !namespaceSelectors.isEmpty();
    boolean nsOk = !nsRestricted
        || namespaces.contains(namespace)
        || LabelSelector.anyMatches(namespaceSelectors, namespaceLabels);
    boolean svcOk = serviceSelectors.isEmpty() || LabelSelector.anyMatches(serviceSelectors, serviceLabels);
    return nsOk && svcOk;
  }

  /** Sort key: priorities 1, 2, … first, then 0 (unset). */
  public long rank() {
    return priority <= 0 ? Long.MAX_VALUE : priority;
  }
}
