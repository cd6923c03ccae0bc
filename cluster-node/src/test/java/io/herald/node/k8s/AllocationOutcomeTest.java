package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.AllocationFailure;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServiceKey;
import io.herald.k8s.event.EventSpec;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.write.ServiceStatusWriter.Assignment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AllocationOutcomeTest {

  private static final ServiceKey KEY = new ServiceKey("default", "web");
  private static final ObjectRef REF = new ObjectRef("v1", "Service", "default", "web", "uid-1");

  @Test
  void aNewAssignmentWritesStatusAndIpAllocated() {
    var r = new AllocationResult.Assigned(KEY, "private", List.of(IpAddress.of("198.51.100.4")),
        AllocationResult.Change.ASSIGNED, Optional.empty(), Optional.empty());
    AllocationOutcome out = AllocationOutcome.of(r, REF);
    assertThat(out.status()).contains(new Assignment(List.of("198.51.100.4"), "private"));
    assertThat(out.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo("IPAllocated");
      assertThat(e.message()).isEqualTo("Assigned IP [\"198.51.100.4\"]");
      assertThat(e.component()).isEqualTo("metallb-controller");
      assertThat(e.involved()).isEqualTo(REF);
    });
  }

  @Test
  void anUnchangedAssignmentKeepsStatusWithoutAnEvent() {
    var r = new AllocationResult.Assigned(KEY, "private", List.of(IpAddress.of("198.51.100.4")),
        AllocationResult.Change.UNCHANGED, Optional.empty(), Optional.empty());
    AllocationOutcome out = AllocationOutcome.of(r, REF);
    assertThat(out.status()).contains(new Assignment(List.of("198.51.100.4"), "private"));
    assertThat(out.events()).isEmpty();
  }

  @Test
  void anUnchangedAssignmentTheStatusDoesNotShowYetIsStillAnnounced() {
    // The IP owner applied the allocation, its reply was lost to a timeout, and the retry found
    // the address already held: the Service has never been told.
    var r = new AllocationResult.Assigned(KEY, "private", List.of(IpAddress.of("198.51.100.4")),
        AllocationResult.Change.UNCHANGED, Optional.empty(), Optional.empty());
    assertThat(AllocationOutcome.of(r, REF, Map.of(), MetallbEvents.CONTROLLER, Optional.of(List.of())).events())
        .extracting(EventSpec::reason).containsExactly("IPAllocated");
    assertThat(AllocationOutcome.of(r, REF, Map.of(), MetallbEvents.CONTROLLER, Optional.of(List.of("198.51.100.4"))).events()).isEmpty();
  }

  @Test
  void aFailureAfterAClearedAddressClearsStatusWithBothEventsInOrder() {
    var why = new AllocationFailure.NotAllowedInConfig(List.of(IpAddress.of("192.0.2.9")));
    var r = new AllocationResult.Failed(KEY, new AllocationFailure.NoAvailableIps(), Optional.of(why));
    AllocationOutcome out = AllocationOutcome.of(r, REF);
    assertThat(out.status()).contains(Assignment.NONE);
    assertThat(out.events()).extracting(EventSpec::reason).containsExactly("ClearAssignment", "AllocationFailed");
    assertThat(out.events().get(1).type()).isEqualTo(EventSpec.Type.WARNING);
    assertThat(out.events().get(1).message()).isEqualTo("Failed to allocate IP for \"default/web\": no available IPs");
    assertThat(out.events().get(0).message()).startsWith("current IP for \"default/web\" not allowed by config");
  }

  @Test
  void anotherClassLeavesTheServiceAlone() {
    AllocationOutcome out = AllocationOutcome.of(new AllocationResult.NotHandled(KEY, "class other"), REF);
    assertThat(out.status()).isEmpty();
    assertThat(out.events()).isEmpty();
  }
}
