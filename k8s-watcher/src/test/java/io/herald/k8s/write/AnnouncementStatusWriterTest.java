package io.herald.k8s.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.Reason;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.informer.Objects8;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.watcher.DecisionConsumers;
import io.herald.k8s.watcher.EndpointWatcher;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ServiceBGPStatus and ServiceL2Status objects following this node's decisions, in the sandbox API. */
class AnnouncementStatusWriterTest {

  private static final ServiceKey WEB = new ServiceKey("default", "web");
  private static final ServiceKey DB = new ServiceKey("team-a", "db");

  private SandboxApi api;

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static ServiceDecision decision(ServiceKey key, List<String> peers, List<String> interfaces, boolean l2) {
    AnnounceDecision bgp = peers.isEmpty()
        ? new AnnounceDecision.Withdraw(AnnounceProtocol.BGP, Reason.NO_ENDPOINTS)
        : new AnnounceDecision.Announce(AnnounceProtocol.BGP, List.of("192.0.2.10"), List.of("bgp"), peers, List.of());
    AnnounceDecision layer2 = l2
        ? new AnnounceDecision.Announce(AnnounceProtocol.LAYER2, List.of("192.0.2.10"), List.of("l2"), List.of(), interfaces)
        : new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NOT_OWNER);
    return new ServiceDecision(key, bgp, layer2);
  }

  private List<GenericKubernetesResource> list(String kind) {
    return api.client().genericKubernetesResources("metallb.io/v1beta1", kind).inNamespace("metallb-system").list().getItems();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("status");
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(15, TimeUnit.SECONDS);
  }

  @Test
  void objectsAreCreatedUpdatedAndDeletedWithTheDecisions() throws Exception {
    try (var w = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1")) {
      await(w.publish(decision(WEB, List.of("tor"), List.of("eth1"), true)));
      GenericKubernetesResource bgp = list("ServiceBGPStatus").get(0);
      assertThat(bgp.getMetadata().getName()).isEqualTo(w.name(AnnounceProtocol.BGP, WEB)).startsWith("bgp-");
      assertThat(bgp.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
          AnnouncementStatusWriter.NODE_LABEL, "worker-1",
          AnnouncementStatusWriter.SERVICE_NAME_LABEL, "web",
          AnnouncementStatusWriter.SERVICE_NAMESPACE_LABEL, "default"));
      assertThat(status(bgp)).containsEntry("node", "worker-1").containsEntry("serviceName", "web")
          .containsEntry("serviceNamespace", "default").containsEntry("peers", List.of("tor"));
      GenericKubernetesResource l2 = list("ServiceL2Status").get(0);
      assertThat(l2.getMetadata().getName()).startsWith("l2-");
      assertThat(status(l2)).containsEntry("interfaces", List.of(Map.of("name", "eth1")));

      // A second peer; Layer 2 moves to another node.
      await(w.publish(decision(WEB, List.of("tor", "tor-b"), List.of(), false)));
      assertThat(list("ServiceBGPStatus")).singleElement()
          .satisfies(r -> assertThat(status(r)).containsEntry("peers", List.of("tor", "tor-b")));
      assertThat(list("ServiceL2Status")).isEmpty();

      // Same decision again: nothing to write, nothing changes.
      String version = list("ServiceBGPStatus").get(0).getMetadata().getResourceVersion();
      await(w.publish(decision(WEB, List.of("tor", "tor-b"), List.of(), false)));
      assertThat(list("ServiceBGPStatus").get(0).getMetadata().getResourceVersion()).isEqualTo(version);

      // Withdrawn everywhere.
      await(w.publish(decision(WEB, List.of(), List.of(), false)));
      assertThat(list("ServiceBGPStatus")).isEmpty();
    }
  }

  @Test
  void aRestartedNodeAdoptsItsObjectsAndPrunesThoseOfDeletedServices() throws Exception {
    try (var w = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1");
        var other = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-2")) {
      await(w.publish(decision(WEB, List.of("tor"), List.of(), true)));
      await(w.publish(decision(DB, List.of("tor"), List.of(), false)));
      await(other.publish(decision(DB, List.of("tor"), List.of(), false)));
    }
    assertThat(list("ServiceBGPStatus")).hasSize(3);

    try (var restarted = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1")) {
      assertThat(await(restarted.adopt())).as("worker-1's objects only").isEqualTo(3);
      // DB was deleted while worker-1 was away.
      assertThat(await(restarted.pruneExcept(List.of(WEB)))).isEqualTo(1);
      assertThat(list("ServiceBGPStatus")).extracting(r -> status(r).get("node") + "/" + status(r).get("serviceName"))
          .containsExactlyInAnyOrder("worker-1/web", "worker-2/db");
      // An adopted object is updated in place, not duplicated.
      await(restarted.publish(decision(WEB, List.of("tor-b"), List.of(), true)));
      assertThat(list("ServiceBGPStatus")).filteredOn(r -> "web".equals(status(r).get("serviceName")))
          .singleElement().satisfies(r -> assertThat(status(r)).containsEntry("peers", List.of("tor-b")));
      assertThat(list("ServiceL2Status")).hasSize(1);
    }
  }

  @Test
  void anAdoptedObjectIsRewrittenOnlyWhenItsStatusDiffersFromTheDecision() throws Exception {
    try (var w = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1")) {
      await(w.publish(decision(WEB, List.of("tor"), List.of(), false)));
      await(w.publish(decision(DB, List.of("tor"), List.of(), false)));
    }
    // Someone edits one status by hand while the node is away.
    var ops = api.client().genericKubernetesResources("metallb.io/v1beta1", "ServiceBGPStatus").inNamespace("metallb-system");
    GenericKubernetesResource db = list("ServiceBGPStatus").stream()
        .filter(r -> "db".equals(status(r).get("serviceName"))).findFirst().orElseThrow();
    Map<String, Object> edited = new java.util.LinkedHashMap<>(status(db));
    edited.put("peers", List.of("tor"));
    edited.put("note", "by hand");
    db.setAdditionalProperty("status", edited);
    ops.resource(db).updateStatus();
    Map<String, String> versions = new java.util.HashMap<>();
    list("ServiceBGPStatus").forEach(r -> versions.put((String) status(r).get("serviceName"), r.getMetadata().getResourceVersion()));

    try (var restarted = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1")) {
      await(restarted.adopt());
      await(restarted.publish(decision(WEB, List.of("tor"), List.of(), false)));
      await(restarted.publish(decision(DB, List.of("tor"), List.of(), false)));
    }
    Map<String, GenericKubernetesResource> now = new java.util.HashMap<>();
    list("ServiceBGPStatus").forEach(r -> now.put((String) status(r).get("serviceName"), r));
    assertThat(now.get("web").getMetadata().getResourceVersion()).as("unchanged: not written").isEqualTo(versions.get("web"));
    assertThat(now.get("db").getMetadata().getResourceVersion()).isNotEqualTo(versions.get("db"));
    assertThat(status(now.get("db"))).doesNotContainKey("note").containsEntry("peers", List.of("tor"));
  }

  @Test
  void theWatchersDecisionsDriveTheObjects() throws Exception {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of(), false);
    Objects8.basicConfig(c, "192.0.2.0/28");
    Objects8.loadBalancer(c, "default", "web", "Local", "192.0.2.11");
    ActorTestKit kit = ActorTestKit.create();
    try (var w = new AnnouncementStatusWriter(c, "metallb-system", "worker-1");
        var informers = ClusterInformers.create(c, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(15)))) {
      var out = kit.spawn(DecisionConsumers.create(w::publish));
      var watcher = kit.spawn(EndpointWatcher.create(informers, AnnounceSettings.forNode("worker-1"), out));
      informers.start(EndpointWatcher.sink(watcher));

      c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-1"))).create();
      awaitTrue(() -> list("ServiceBGPStatus").size() == 1 && list("ServiceL2Status").size() == 1);
      assertThat(status(list("ServiceBGPStatus").get(0))).containsEntry("peers", List.of("tor"));

      // The pod leaves the node: no local endpoint, both withdrawn.
      c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-2"))).update();
      awaitTrue(() -> list("ServiceBGPStatus").isEmpty() && list("ServiceL2Status").isEmpty());
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static void awaitTrue(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.get()) {
      assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aBurstOfDecisionsForOneServiceEndsWithTheNewestAndWritesFewerTimes() throws Exception {
    try (AnnouncementStatusWriter w = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1")) {
      long before = api.requests().getOrDefault("PUT servicebgpstatuses/status", 0L);
      java.util.concurrent.CompletableFuture<Void> last = null;
      for (int i = 0; i < 200; i++) {
        last = w.publish(decision(WEB, List.of("tor-" + i), List.of(), false));
        w.publish(decision(DB, List.of("tor-" + i), List.of(), false));
      }
      await(last);
      await(w.publish(decision(DB, List.of("tor-199"), List.of(), false)));
      assertThat(list("ServiceBGPStatus")).hasSize(2).allSatisfy(r -> assertThat(status(r).get("peers")).isEqualTo(List.of("tor-199")));
      long writes = api.requests().getOrDefault("PUT servicebgpstatuses/status", 0L) - before;
      // One write per decision would be 400; decisions that arrive while one is written replace each other.
      assertThat(writes).isLessThan(400);
    }
  }

  @Test
  void withdrawingWhatWasNeverWrittenCostsNoRequestButAWithdrawalAfterAWriteDeletes() throws Exception {
    // Every task waits for its turn until the gate opens: a withdrawal that needs no task is done at once.
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    WriteTurn closed = () -> {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    try (var w = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1").turn(closed)) {
      var before = api.requests();
      var nothing = w.publish(decision(WEB, List.of(), List.of(), false));
      assertThat(nothing).as("done without a task").isDone();
      assertThat(api.requests()).isEqualTo(before);
      gate.countDown();

      // announced, then withdrawn at once, without waiting for the write
      w.publish(decision(DB, List.of("tor"), List.of("eth1"), true));
      await(w.publish(decision(DB, List.of(), List.of(), false)));
      assertThat(list("ServiceBGPStatus")).isEmpty();
      assertThat(list("ServiceL2Status")).isEmpty();

      await(w.publish(decision(DB, List.of("tor"), List.of(), false)));
      assertThat(list("ServiceBGPStatus")).hasSize(1);
      await(w.publish(decision(DB, List.of(), List.of(), false)));
      assertThat(list("ServiceBGPStatus")).isEmpty();
    }
  }
}
