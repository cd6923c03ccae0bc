package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.ip.IpRange;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code IPAddressPool}: its ranges in declaration order (the order addresses are handed out),
 * and the rules that decide which Services may use it.
 */
public record IpPool(
    String name,
    List<IpRange> ranges,
    boolean autoAssign,
    boolean avoidBuggyIPs,
    Optional<ServiceAllocation> serviceAllocation,
    Map<String, String> labels) {

  public IpPool {
    Objects.requireNonNull(name);
    ranges = List.copyOf(ranges);
    Objects.requireNonNull(serviceAllocation);
    labels = Map.copyOf(labels);
  }

  /** A pool with default settings (auto-assign on, no restriction); for code and tests. */
  public static IpPool of(String name, String... addresses) {
    return new IpPool(name, java.util.Arrays.stream(addresses).map(IpRange::of).toList(),
        true, false, Optional.empty(), Map.of());
  }

  public IpPool withAutoAssign(boolean value) {
    return new IpPool(name, ranges, value, avoidBuggyIPs, serviceAllocation, labels);
  }

  public IpPool withAvoidBuggyIPs(boolean value) {
    return new IpPool(name, ranges, autoAssign, value, serviceAllocation, labels);
  }

  public IpPool withServiceAllocation(ServiceAllocation value) {
    return new IpPool(name, ranges, autoAssign, avoidBuggyIPs, Optional.of(value), labels);
  }

  public boolean hasFamily(IpFamily family) {
    for (IpRange r : ranges) {
      if (r.family() == family) {
        return true;
      }
    }
    return false;
  }

  /** True if the pool may hand out {@code ip}: inside a range, and not skipped as buggy. */
  public boolean contains(IpAddress ip) {
    if (avoidBuggyIPs && ip.confusesBuggyFirmware()) {
      return false;
    }
    for (IpRange r : ranges) {
      if (r.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a Service in this namespace with these labels may take addresses from this pool. */
  public boolean admits(String namespace, Map<String, String> namespaceLabels, Map<String, String> serviceLabels) {
    return serviceAllocation.isEmpty() || serviceAllocation.get().matches(namespace, namespaceLabels, serviceLabels);
  }

  /** Usable addresses of one family, after {@code avoidBuggyIPs}; computed, never enumerated. */
  public BigInteger capacity(IpFamily family) {
    BigInteger total = BigInteger.ZERO;
    for (IpRange r : ranges) {
      if (r.family() == family) {
        total = total.add(r.size());
        if (avoidBuggyIPs) {
          total = total.subtract(r.buggyCount());
        }
      }
    }
    return total;
  }
}
