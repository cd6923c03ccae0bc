package io.herald.node.announce;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.ServiceKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Service as this node should announce it (or not, and why): the watcher's decision for this
 * node, with the allocation it applies to.
 *
 * @param pool the pool the addresses come from (advertisements select by pool)
 * @param serviceLabels the Service's labels (advertisements may select by them)
 * @param announce true to announce from this node; false to withdraw
 * @param reason why not announced (MetalLB's reason token, e.g. "noLocalEndpoints"), or empty
 */
public record ServiceAnnouncement(
    ServiceKey service, String pool, List<IpAddress> ips, Map<String, String> serviceLabels, boolean announce,
    String reason) {

  public ServiceAnnouncement {
    Objects.requireNonNull(service);
    Objects.requireNonNull(pool);
    ips = List.copyOf(ips);
    serviceLabels = Map.copyOf(serviceLabels);
    Objects.requireNonNull(reason);
  }

  public static ServiceAnnouncement announce(ServiceKey service, String pool, List<IpAddress> ips,
      Map<String, String> serviceLabels) {
    return new ServiceAnnouncement(service, pool, ips, serviceLabels, true, "");
  }

  public static ServiceAnnouncement withdraw(ServiceKey service, String pool, List<IpAddress> ips,
      Map<String, String> serviceLabels, String reason) {
    return new ServiceAnnouncement(service, pool, ips, serviceLabels, false, reason);
  }
}
