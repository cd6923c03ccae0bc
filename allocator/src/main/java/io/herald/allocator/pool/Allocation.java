package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import java.util.List;
import java.util.Objects;

/** What one Service holds: one address per family, all from one pool. */
public record Allocation(
    ServiceKey service, String pool, List<IpAddress> ips, List<ServicePort> ports, SharingKey sharingKey) {
  public Allocation {
    Objects.requireNonNull(service);
    Objects.requireNonNull(pool);
    ips = List.copyOf(ips);
    ports = List.copyOf(ports);
    Objects.requireNonNull(sharingKey);
  }
}
