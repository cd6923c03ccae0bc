package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import java.util.List;
import java.util.Optional;

/** The outcome of {@link Allocator#allocate}: what the caller writes to status and Events. */
public sealed interface AllocationResult {

  ServiceKey service();

  /** How an {@link Assigned} result differs from what the Service held before. */
  enum Change {
    /** Same addresses as before (or as in status after a restart): nothing to write. */
    UNCHANGED,
    /** New addresses: Event {@code IPAllocated} "Assigned IP [...]". */
    ASSIGNED,
    /** PreferDualStack top-up: Event {@code IPAllocated} "Assigned additional IP ...". */
    ADDED_FAMILY
  }

  /**
   * The Service holds {@code ips} from {@code pool}. {@code cleared} says why its previous
   * addresses were dropped (Event {@code ClearAssignment}); {@code additionalFailed} says why a
   * PreferDualStack top-up failed (Event {@code AdditionalAssignFailed}).
   */
  record Assigned(
      ServiceKey service,
      String pool,
      List<IpAddress> ips,
      Change change,
      Optional<AllocationFailure> cleared,
      Optional<AllocationFailure> additionalFailed) implements AllocationResult {
    public Assigned {
      ips = List.copyOf(ips);
    }

    public String eventMessage() {
      return switch (change) {
        case UNCHANGED, ASSIGNED -> "Assigned IP " + AllocationFailure.quoteList(ips);
        case ADDED_FAMILY -> "Assigned additional IP \"" + ips.get(ips.size() - 1) + "\"";
      };
    }
  }

  /** The Service holds nothing; {@code reason} becomes the Warning Event. */
  record Failed(ServiceKey service, AllocationFailure reason, Optional<AllocationFailure> cleared)
      implements AllocationResult {}

  /** Not ours: another {@code loadBalancerClass}. Any address it held has been released. */
  record NotHandled(ServiceKey service, String reason) implements AllocationResult {}

  /** MetalLB's {@code ClearAssignment} Event text. */
  public static String clearMessage(ServiceKey service, AllocationFailure why) {
    return "current IP for \"" + service + "\" not allowed by config, will attempt for new IP assignment: "
        + why.message();
  }

}
