package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Why the allocator refused a Service. {@link #message()} is MetalLB's error text, so the Event a
 * user sees reads as it did under MetalLB; {@link #eventReason()} is the Event's reason.
 */
public sealed interface AllocationFailure {

  String message();

  /** {@code AllocationFailed}, or {@code LoadBalancerFailed} for an unusable request. */
  default String eventReason() {
    return "AllocationFailed";
  }

  /** The full Event message, as MetalLB words it. */
  default String eventMessage(ServiceKey service) {
    return "Failed to allocate IP for \"" + service + "\": " + message();
  }

  /** No auto-assign pool the Service may use has a free (or shareable) address. */
  record NoAvailableIps() implements AllocationFailure {
    public String message() {
      return "no available IPs";
    }
  }

  record NoAvailableIpsInPool(String pool) implements AllocationFailure {
    public String message() {
      return "no available IPs in pool " + quote(pool);
    }
  }

  record UnknownPool(String pool) implements AllocationFailure {
    public String message() {
      return "unknown pool " + quote(pool);
    }
  }

  /** No pool contains the requested (or previously held) addresses, or they span two pools. */
  record NotAllowedInConfig(List<IpAddress> ips) implements AllocationFailure {
    public NotAllowedInConfig {
      ips = List.copyOf(ips);
    }

    public String message() {
      return quoteList(ips) + " is not allowed in config";
    }
  }

  /** The pool's {@code serviceAllocation} excludes this Service's namespace or labels. */
  record PoolNotCompatible(String pool) implements AllocationFailure {
    public String message() {
      return "pool " + pool + " not compatible for ip assignment";
    }
  }

  record PortInUse(ServicePort port, IpAddress ip) implements AllocationFailure {
    public String message() {
      return "port " + port + " is already in use on " + quote(ip.toString());
    }
  }

  /** One side has no {@code allow-shared-ip}: {@code existing} tells which. */
  record SharingNotAllowed(boolean existing) implements AllocationFailure {
    public String message() {
      return existing ? "existing service does not allow sharing" : "new service does not allow sharing";
    }
  }

  record SharingKeyMismatch(String requested, String existing) implements AllocationFailure {
    public String message() {
      return "sharing key " + quote(requested) + " does not match existing sharing key " + quote(existing);
    }
  }

  /** ETP=Local Services may share only with identical pod selectors. */
  record BackendKeyMismatch(String requested, String existing) implements AllocationFailure {
    public String message() {
      return "backend key " + quote(requested) + " does not match existing backend key " + quote(existing);
    }
  }

  record CannotChangeSharingKey(ServiceKey service, List<ServiceKey> others) implements AllocationFailure {
    public CannotChangeSharingKey {
      others = List.copyOf(others);
    }

    public String message() {
      return "can't change sharing key for " + quote(service.toString()) + ", address also in use by "
          + others.stream().map(ServiceKey::toString).collect(Collectors.joining(","));
    }
  }

  record FamilyMismatch(List<IpAddress> ips) implements AllocationFailure {
    public FamilyMismatch {
      ips = List.copyOf(ips);
    }

    public String message() {
      return "requested loadBalancer IP(s) " + quoteList(ips) + " does not match the ipFamily of the service";
    }
  }

  record NotInRequestedPool(List<IpAddress> ips, String pool) implements AllocationFailure {
    public NotInRequestedPool {
      ips = List.copyOf(ips);
    }

    public String message() {
      return quoteList(ips) + " is not compatible with requested address pool " + pool;
    }
  }

  record NoSuitablePool(IpFamily family) implements AllocationFailure {
    public String message() {
      return "no suitable pool for " + family.kubernetesName() + " IPFamily";
    }
  }

  /** RequireDualStack with fewer than two cluster IPs. */
  record NotEnoughClusterIps(List<IpFamily> families) implements AllocationFailure {
    public NotEnoughClusterIps {
      families = List.copyOf(families);
    }

    public String message() {
      return "Service requires dual stack but not enough clusterips "
          + families.stream().map(IpFamily::kubernetesName).collect(Collectors.joining(" ", "[", "]"));
    }

    @Override
    public String eventReason() {
      return "not enough clusterips";
    }

    @Override
    public String eventMessage(ServiceKey service) {
      return message();
    }
  }

  /** The requested addresses themselves are unusable (bad literal, both fields set, two of one family). */
  record InvalidRequestedIps(String detail) implements AllocationFailure {
    public String message() {
      return detail;
    }

    @Override
    public String eventReason() {
      return "LoadBalancerFailed";
    }

    @Override
    public String eventMessage(ServiceKey service) {
      return "invalid requested loadbalancer IPs: " + detail;
    }
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }

  /** Go's {@code %q} of a {@code []net.IP}: {@code ["192.0.2.1" "2001:db8::1"]}. */
  static String quoteList(List<IpAddress> ips) {
    return ips.stream().map(ip -> quote(ip.toString())).collect(Collectors.joining(" ", "[", "]"));
  }
}
