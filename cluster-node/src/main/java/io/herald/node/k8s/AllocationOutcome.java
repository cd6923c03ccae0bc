package io.herald.node.k8s;

import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Annotations;
import io.herald.k8s.event.EventSpec;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.write.ServiceStatusWriter.Assignment;
import io.herald.allocator.ip.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an allocation result means for the API: the status to write (empty: leave it alone) and
 * the controller Events to record, worded as MetalLB's controller words them. Pure.
 *
 * @param status the ingress IPs and pool annotation to write; empty when the Service is not ours
 * @param events in the order MetalLB emits them ({@code ClearAssignment} before the outcome)
 */
public record AllocationOutcome(Optional<Assignment> status, List<EventSpec> events) {

  public AllocationOutcome {
    events = List.copyOf(events);
  }

  /** {@link #of(AllocationResult, ObjectRef, Map, String)} for a Service without annotations, from MetalLB's controller. */
  public static AllocationOutcome of(AllocationResult result, ObjectRef service) {
    return of(result, service, Map.of(), MetallbEvents.CONTROLLER, Optional.empty());
  }

  /**
   * @param annotations the Service's annotations: each deprecated {@code metallb.universe.tf/} one
   *     in use gets a {@code deprecatedAnnotation} Warning first, as MetalLB's controller does
   *     before it allocates
   * @param c the Events' source component
   * @param inStatus the ingress addresses the Service shows now, when known: an UNCHANGED result
   *     whose addresses the status does not show yet is news to the Service (the IP owner had
   *     already applied an allocation whose reply was lost to an ask timeout and a retry)
   */
  public static AllocationOutcome of(AllocationResult result, ObjectRef service, Map<String, String> annotations,
      String c, Optional<List<String>> inStatus) {
    List<EventSpec> events = new ArrayList<>();
    if (!(result instanceof AllocationResult.NotHandled)) {
      for (String a : Annotations.deprecatedInUse(annotations)) {
        events.add(MetallbEvents.deprecatedAnnotation(service, a, c));
      }
    }
    if (result instanceof AllocationResult.Assigned a) {
      a.cleared().ifPresent(why -> events.add(MetallbEvents.clearAssignment(service, why.message(), c)));
      // UNCHANGED: same addresses as in status already, nothing new to tell (as MetalLB, which
      // records IPAllocated only when the Service's addresses change).
      boolean news = a.change() != AllocationResult.Change.UNCHANGED
          || inStatus.map(ips -> !ips.equals(text(a.ips()))).orElse(false);
      if (news) {
        events.add(new EventSpec(service, EventSpec.Type.NORMAL, "IPAllocated", a.eventMessage(), c));
      }
      a.additionalFailed().ifPresent(why -> events.add(new EventSpec(service, EventSpec.Type.WARNING,
          "AdditionalAssignFailed", why.eventMessage(a.service()), c)));
      return new AllocationOutcome(Optional.of(new Assignment(text(a.ips()), a.pool())), events);
    }
    if (result instanceof AllocationResult.Failed f) {
      f.cleared().ifPresent(why -> events.add(MetallbEvents.clearAssignment(service, why.message(), c)));
      events.add(new EventSpec(service, EventSpec.Type.WARNING, f.reason().eventReason(),
          f.reason().eventMessage(f.service()), c));
      // MetalLB clears the status of a Service it cannot serve, so no stale address stays visible.
      return new AllocationOutcome(Optional.of(Assignment.NONE), events);
    }
    // NotHandled: another loadBalancerClass; its controller owns the status.
    return new AllocationOutcome(Optional.empty(), events);
  }

  private static List<String> text(List<IpAddress> ips) {
    return ips.stream().map(IpAddress::toString).toList();
  }
}
