package io.herald.k8s.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ObjectRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventAggregatorTest {

  private static final ObjectRef WEB = new ObjectRef("v1", "Service", "default", "web", "uid-1");
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private final EventAggregator agg = new EventAggregator(Duration.ofSeconds(10), Duration.ofHours(1));
  private final EventSpec assigned = MetallbEvents.nodeAssigned(WEB, "worker-1", MetallbEvents.SPEAKER);

  @Test
  void firstOccurrenceCreatesRepeatsUpdateTheSameEvent() {
    var first = agg.observe(assigned, T0).orElseThrow();
    assertThat(first.create()).isTrue();
    assertThat(first.count()).isEqualTo(1);
    assertThat(first.name()).startsWith("web.");
    var second = agg.observe(assigned, T0.plusSeconds(60)).orElseThrow();
    assertThat(second.create()).isFalse();
    assertThat(second.name()).isEqualTo(first.name());
    assertThat(second.count()).isEqualTo(2);
    assertThat(second.first()).isEqualTo(T0);
    assertThat(second.last()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void repeatsWithinTheIntervalOnlyCountAndFlushWritesThem() {
    agg.observe(assigned, T0);
    for (int i = 1; i <= 50; i++) assertThat(agg.observe(assigned, T0.plusMillis(100L * i))).isEmpty();
    assertThat(agg.flush(T0.plusSeconds(5))).isEmpty();
    List<EventAggregator.Write> flushed = agg.flush(T0.plusSeconds(10));
    assertThat(flushed).singleElement().satisfies(w -> {
      assertThat(w.count()).isEqualTo(51);
      assertThat(w.create()).isFalse();
      assertThat(w.last()).isEqualTo(T0.plusSeconds(5));
    });
    assertThat(agg.flush(T0.plusSeconds(30))).as("nothing new pending").isEmpty();
  }

  @Test
  void differentMessagesReasonsOrObjectsAreDifferentEvents() {
    agg.observe(assigned, T0);
    assertThat(agg.observe(MetallbEvents.nodeAssigned(WEB, "worker-2", MetallbEvents.SPEAKER), T0).orElseThrow().create()).isTrue();
    assertThat(agg.observe(MetallbEvents.nodeAssigned(WEB, "worker-1", AnnounceProtocol.BGP, MetallbEvents.SPEAKER), T0)
        .orElseThrow().create()).isTrue();
    var db = new ObjectRef("v1", "Service", "default", "db", "uid-2");
    assertThat(agg.observe(MetallbEvents.nodeAssigned(db, "worker-1", MetallbEvents.SPEAKER), T0).orElseThrow().create()).isTrue();
  }

  @Test
  void anIdleEventIsForgottenAndALaterRepeatStartsAnew() {
    var first = agg.observe(assigned, T0).orElseThrow();
    assertThat(agg.flush(T0.plus(Duration.ofHours(2)))).isEmpty();
    var again = agg.observe(assigned, T0.plus(Duration.ofHours(2))).orElseThrow();
    assertThat(again.create()).isTrue();
    assertThat(again.name()).isNotEqualTo(first.name());
    agg.forget(assigned);
    assertThat(agg.observe(assigned, T0.plus(Duration.ofHours(3))).orElseThrow().create()).isTrue();
  }

  @Test
  void messagesAreMetallbs() {
    assertThat(assigned.message()).isEqualTo("announcing from node \"worker-1\"");
    assertThat(assigned.reason()).isEqualTo("nodeAssigned");
    assertThat(MetallbEvents.nodeAssigned(WEB, "w", AnnounceProtocol.LAYER2, "c").message())
        .isEqualTo("announcing from node \"w\" with protocol \"layer2\"");
    assertThat(MetallbEvents.ipAllocated(WEB, List.of("192.0.2.1", "2001:db8::1"), MetallbEvents.CONTROLLER).message())
        .isEqualTo("Assigned IP [\"192.0.2.1\" \"2001:db8::1\"]");
    var failed = MetallbEvents.allocationFailed(WEB, "no available IPs", MetallbEvents.CONTROLLER);
    assertThat(failed.type()).isEqualTo(EventSpec.Type.WARNING);
    assertThat(failed.message()).isEqualTo("Failed to allocate IP for \"default/web\": no available IPs");
    assertThat(MetallbEvents.clearAssignment(WEB, "e", "c").message())
        .isEqualTo("current IP for \"default/web\" not allowed by config, will attempt for new IP assignment: e");
    assertThat(MetallbEvents.deprecatedAnnotation(WEB, "metallb.universe.tf/address-pool", "c").type()).isEqualTo(EventSpec.Type.WARNING);
  }

  private static EventSpec assignedTo(String service) {
    return MetallbEvents.nodeAssigned(new ObjectRef("v1", "Service", "default", service, "uid-" + service), "worker-1",
        MetallbEvents.SPEAKER);
  }

  @Test
  void keepsAtMostMaxEntriesAndDropsTheLeastRecentlySeenFirst() {
    var bounded = new EventAggregator(Duration.ofSeconds(10), Duration.ofHours(1), 3);
    var a = bounded.observe(assignedTo("a"), T0).orElseThrow();
    var b = bounded.observe(assignedTo("b"), T0).orElseThrow();
    bounded.observe(assignedTo("c"), T0);
    // a repeats: now b is the least recently seen, and the fourth Event pushes it out.
    assertThat(bounded.observe(assignedTo("a"), T0.plusSeconds(1))).isEmpty();
    bounded.observe(assignedTo("d"), T0.plusSeconds(2));

    var aAgain = bounded.observe(assignedTo("a"), T0.plusSeconds(60)).orElseThrow();
    assertThat(aAgain.create()).as("a was kept: its repeat updates the same Event").isFalse();
    assertThat(aAgain.name()).isEqualTo(a.name());
    assertThat(aAgain.count()).isEqualTo(3);
    var bAgain = bounded.observe(assignedTo("b"), T0.plusSeconds(60)).orElseThrow();
    assertThat(bAgain.create()).as("b was dropped: its repeat starts a new Event").isTrue();
    assertThat(bAgain.count()).isEqualTo(1);
    assertThat(bAgain.name()).isNotEqualTo(b.name());
  }

  @Test
  void theDefaultBoundIsClientGos() {
    var agg = EventAggregator.withDefaults();
    EventAggregator.Write first = agg.observe(assignedTo("s0"), T0).orElseThrow();
    for (int i = 1; i < EventAggregator.MAX_ENTRIES; i++) agg.observe(assignedTo("s" + i), T0);
    assertThat(agg.observe(assignedTo("s0"), T0.plusSeconds(60)).orElseThrow().name())
        .as("4096 entries fit").isEqualTo(first.name());
    // s1 is now the least recently seen; one more Event drops it.
    agg.observe(assignedTo("s" + EventAggregator.MAX_ENTRIES), T0.plusSeconds(60));
    assertThat(agg.observe(assignedTo("s1"), T0.plusSeconds(120)).orElseThrow().create()).isTrue();
  }
}
