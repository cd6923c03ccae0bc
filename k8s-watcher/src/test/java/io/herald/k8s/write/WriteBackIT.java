package io.herald.k8s.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.herald.k8s.convert.Views;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.informer.Objects8;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.sandbox.Kubectl;
import io.herald.k8s.sandbox.SandboxApi;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status, annotation and aggregated Events written through the API, read back by real kubectl. */
class WriteBackIT {

  /** A clock the test moves. */
  static final class ManualClock extends Clock {
    volatile Instant now;

    ManualClock(Instant now) {
      this.now = now;
    }

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  @TempDir Path dir;
  private SandboxApi api;

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void describeShowsTheAssignmentAndTheAggregatedNodeAssignedEvent() throws Exception {
    Kubectl kubectl = Kubectl.forSandbox(api, dir);
    var c = api.client();
    Service svc = Objects8.loadBalancer(c, "default", "web", "Cluster", null);
    ServiceKey key = Views.key(svc);

    try (var status = new ServiceStatusWriter(c)) {
      var a = new ServiceStatusWriter.Assignment(List.of("192.0.2.10"), "default");
      assertThat(status.write(key, a).get(20, TimeUnit.SECONDS)).isTrue();
      assertThat(status.write(key, a).get(20, TimeUnit.SECONDS)).as("same assignment is not rewritten").isFalse();
    }
    Service after = c.services().inNamespace("default").withName("web").get();
    assertThat(after.getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("192.0.2.10");
    assertThat(after.getMetadata().getAnnotations()).containsEntry(ServiceStatusWriter.POOL_ANNOTATION, "default");
    assertThat(after.getSpec().getType()).as("spec untouched").isEqualTo("LoadBalancer");

    // One request per write: address and pool together through the status subresource.
    assertThat(api.requests()).containsEntry("PATCH services/status", 1L).doesNotContainKey("PATCH services");

    ManualClock clock = new ManualClock(Instant.now().minus(Duration.ofMinutes(11)));
    ObjectRef ref = ObjectRef.of(Views.service(after));
    try (var events = new EventRecorder(c, clock, "worker-1", Duration.ofSeconds(10))) {
      events.record(MetallbEvents.nodeAssigned(ref, "worker-1", MetallbEvents.SPEAKER));
      events.drain();
      clock.now = clock.now.plus(Duration.ofMinutes(1));
      events.record(MetallbEvents.nodeAssigned(ref, "worker-1", MetallbEvents.SPEAKER));
      events.drain();
    }
    var list = c.v1().events().inNamespace("default").list().getItems();
    assertThat(list).singleElement().satisfies(e -> {
      assertThat(e.getCount()).isEqualTo(2);
      assertThat(e.getSource().getComponent()).isEqualTo("metallb-speaker");
    });

    var out = kubectl.run("describe", "svc", "web");
    assertThat(out.exitCode()).as(out.stderr()).isZero();
    assertThat(out.stdout())
        .contains("LoadBalancer Ingress:")
        .contains("192.0.2.10")
        .contains("metallb.io/ip-allocated-from-pool: default")
        .containsPattern("Normal\\s+nodeAssigned\\s+10m \\(x2 over 11m\\)\\s+metallb-speaker\\s+announcing from node \"worker-1\"");

    var jsonpath = kubectl.run("get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}");
    assertThat(jsonpath.stdout()).isEqualTo("192.0.2.10");
  }

  @Test
  void anEventDeletedMeanwhileIsCreatedAgainWithItsCount() throws Exception {
    var c = api.client();
    Service svc = Objects8.loadBalancer(c, "default", "web", "Cluster", null);
    ObjectRef ref = ObjectRef.of(Views.service(svc));
    ManualClock clock = new ManualClock(Instant.now().minus(Duration.ofMinutes(5)));
    try (var events = new EventRecorder(c, clock, "worker-1", Duration.ofSeconds(10))) {
      events.record(MetallbEvents.nodeAssigned(ref, "worker-1", MetallbEvents.SPEAKER));
      events.drain();
      assertThat(c.v1().events().inNamespace("default").list().getItems()).hasSize(1);
      c.v1().events().inNamespace("default").delete();
      clock.now = clock.now.plus(Duration.ofMinutes(1));
      events.record(MetallbEvents.nodeAssigned(ref, "worker-1", MetallbEvents.SPEAKER));
      events.drain();
    }
    assertThat(c.v1().events().inNamespace("default").list().getItems()).singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
    assertThat(api.requests()).containsEntry("POST events", 2L).containsEntry("PATCH events", 1L);
  }

  @Test
  void aServiceThatIsGoneFailsTheWriteWithTheApiServersStatus() {
    try (var status = new ServiceStatusWriter(api.client())) {
      var write = status.write(new ServiceKey("default", "gone"),
          new ServiceStatusWriter.Assignment(List.of("192.0.2.10"), "default"));
      assertThat(write).failsWithin(Duration.ofSeconds(20))
          .withThrowableThat().havingRootCause()
          .isInstanceOfSatisfying(io.fabric8.kubernetes.client.KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(404);
            assertThat(e.getMessage()).contains("services \"gone\" not found");
          });
      assertThat(status.requested(new ServiceKey("default", "gone"))).as("not kept as asked for").isEmpty();
    }
  }

  @Test
  void clearingRemovesTheAddressAndThePoolAnnotationTogether() throws Exception {
    var c = api.client();
    Service svc = Objects8.loadBalancer(c, "default", "web", "Cluster", null);
    ServiceKey key = Views.key(svc);
    try (var status = new ServiceStatusWriter(c)) {
      status.write(key, new ServiceStatusWriter.Assignment(List.of("192.0.2.10", "2001:db8::10"), "default"))
          .get(20, TimeUnit.SECONDS);
      status.write(key, ServiceStatusWriter.Assignment.NONE).get(20, TimeUnit.SECONDS);
    }
    Service after = c.services().inNamespace("default").withName("web").get();
    assertThat(after.getStatus().getLoadBalancer().getIngress()).isEmpty();
    assertThat(after.getMetadata().getAnnotations()).doesNotContainKey(ServiceStatusWriter.POOL_ANNOTATION);
    assertThat(api.requests()).containsEntry("PATCH services/status", 2L).doesNotContainKey("PATCH services");
  }
}
