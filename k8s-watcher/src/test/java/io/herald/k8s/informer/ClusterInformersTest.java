package io.herald.k8s.informer;

import static io.herald.k8s.informer.Objects8.apply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.Reason;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.watcher.DirtySink;
import io.herald.k8s.watcher.EndpointWatcher;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Informers against the sandbox API feeding the watcher actor, through the changes a cluster sees. */
class ClusterInformersTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ServiceKey WEB = new ServiceKey("default", "web");

  private SandboxApi api;
  private ActorTestKit kit;
  private ClusterInformers informers;
  private TestProbe<ServiceDecision> decisions;
  private ActorRef<EndpointWatcher.Command> watcher;

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    if (informers != null) informers.close();
    kit.shutdownTestKit();
    api.close();
  }

  private void startWatcher(String node) {
    informers = ClusterInformers.create(api.client(), new ClusterInformers.Settings("metallb-system", WAIT));
    decisions = kit.createTestProbe(ServiceDecision.class);
    watcher = kit.spawn(EndpointWatcher.create(informers, AnnounceSettings.forNode(node), decisions.ref()));
    informers.start(EndpointWatcher.sink(watcher));
  }

  /** The next published decision: each step must publish exactly the change it causes. */
  private ServiceDecision next() {
    return decisions.receiveMessage(WAIT);
  }

  private static Predicate<ServiceDecision> bgp(Reason reason) {
    return d -> d.bgp().equals(new AnnounceDecision.Withdraw(io.herald.k8s.model.AnnounceProtocol.BGP, reason));
  }

  private static final Predicate<ServiceDecision> BGP_ANNOUNCES = d -> d.bgp().kind() == AnnounceDecision.Kind.ANNOUNCE;

  private EndpointWatcher.Stats stats() {
    TestProbe<EndpointWatcher.Stats> p = kit.createTestProbe(EndpointWatcher.Stats.class);
    watcher.tell(new EndpointWatcher.GetStats(p.ref()));
    return p.receiveMessage(WAIT);
  }

  @Test
  void followsEndpointsNodesAndConfiguration() {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of("rack", "a"), false);
    Objects8.node(c, "worker-2", Map.of("rack", "a"), false);
    Objects8.basicConfig(c, "192.0.2.0/28");
    // 192.0.2.11: worker-1 wins the Layer 2 election among worker-1 and worker-2.
    Objects8.loadBalancer(c, "default", "web", "Local", "192.0.2.11");
    startWatcher("worker-1");

    assertThat(next()).matches(bgp(Reason.NO_LOCAL_ENDPOINTS));

    // Endpoints created on this node.
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-1"))).create();
    ServiceDecision announced = next();
    assertThat(announced).matches(BGP_ANNOUNCES);
    assertThat(announced.layer2().kind()).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);

    // Scaled up to a second node: the decision does not change, so nothing is published...
    long evaluated = stats().evaluations();
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-1", "worker-2"))).update();
    awaitEvaluations(evaluated + 1);
    // ...and the next message is the one caused by the pod moving away from this node.
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-2"))).update();
    assertThat(next()).matches(bgp(Reason.NO_LOCAL_ENDPOINTS));

    // The pod moves back, in a second slice.
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-2", List.of("worker-1"))).create();
    assertThat(next()).matches(BGP_ANNOUNCES);

    // Node conditions and labels.
    Objects8.node(c, "worker-1", Map.of("rack", "a"), true);
    assertThat(next()).matches(bgp(Reason.NODE_NETWORK_UNAVAILABLE));
    Objects8.node(c, "worker-1", Map.of("rack", "a", NodeView.EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS, ""), false);
    assertThat(next()).matches(bgp(Reason.NODE_LABELED_EXCLUDE_BALANCERS));
    Objects8.node(c, "worker-1", Map.of("rack", "a"), false);
    assertThat(next()).matches(BGP_ANNOUNCES);

    // Configuration: the advertisement moves to rack b, then the pool loses the IP.
    apply(c, ClusterInformers.BGP_ADS, "bgp", Map.of("nodeSelectors", List.of(Map.of("matchLabels", Map.of("rack", "b")))));
    assertThat(next()).matches(bgp(Reason.NOT_OWNER));
    apply(c, ClusterInformers.BGP_ADS, "bgp", Map.of());
    assertThat(next()).matches(BGP_ANNOUNCES);
    apply(c, ClusterInformers.POOLS, "default", Map.of("addresses", List.of("198.51.100.0/28")));
    ServiceDecision notAllowed = next();
    assertThat(notAllowed).matches(bgp(Reason.IP_NOT_ALLOWED));
    assertThat(notAllowed.layer2()).isEqualTo(new AnnounceDecision.Withdraw(io.herald.k8s.model.AnnounceProtocol.LAYER2, Reason.IP_NOT_ALLOWED));
    apply(c, ClusterInformers.POOLS, "default", Map.of("addresses", List.of("192.0.2.0/28")));
    assertThat(next()).matches(BGP_ANNOUNCES);

    // Endpoints deleted, then the Service.
    c.discovery().v1().endpointSlices().inNamespace("default").withName("web-2").delete();
    assertThat(next()).matches(bgp(Reason.NO_LOCAL_ENDPOINTS));
    c.services().inNamespace("default").withName("web").delete();
    assertThat(next()).matches(bgp(Reason.SERVICE_DELETED));
    assertThat(informers.service(WEB)).isEmpty();
  }

  private void awaitEvaluations(long atLeast) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (stats().evaluations() < atLeast) {
      if (System.nanoTime() > deadline) throw new AssertionError("watcher did not evaluate the change");
      Thread.onSpinWait();
    }
    decisions.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void readsViewsFromTheCaches() {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of("rack", "a"), true);
    Objects8.basicConfig(c, "192.0.2.0/28");
    Objects8.loadBalancer(c, "default", "web", "Cluster", "192.0.2.3");
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-a", List.of("worker-1", "worker-2"))).create();
    informers = ClusterInformers.create(c, ClusterInformers.Settings.defaults());
    informers.start(new DirtySink() {
      @Override public void serviceDirty(ServiceKey key) {}
      @Override public void allDirty() {}
      @Override public void synced() {}
    });
    assertThat(informers.hasSynced()).isTrue();
    assertThat(informers.services()).containsExactly(WEB);
    assertThat(informers.service(WEB).orElseThrow().ingressIps()).containsExactly("192.0.2.3");
    assertThat(informers.endpoints(WEB)).hasSize(2);
    assertThat(informers.nodes().get("worker-1").networkUnavailable()).isTrue();
    assertThat(informers.config().pools()).extracting(p -> p.name()).containsExactly("default");
    assertThat(informers.config().advertisements()).extracting(a -> a.name()).containsExactly("bgp", "l2");
    assertThat(informers.config().peers()).extracting(p -> p.name()).containsExactly("tor");
  }

  @Test
  void anUnreachableApiFailsToStartWithAClearError() {
    var cfg = api.config();
    api.close();
    try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(cfg).build()) {
      var ci = ClusterInformers.create(client, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(2)));
      assertThatThrownBy(() -> ci.start(new DirtySink() {
            @Override public void serviceDirty(ServiceKey key) {}
            @Override public void allDirty() {}
            @Override public void synced() {}
          }))
          .isInstanceOf(InformerStartException.class)
          .hasMessageContaining("services");
    }
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
  }

  @Test
  void cachesObjectsWithoutManagedFieldsOrTheLastAppliedCopyAndDecidesAsBefore() {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of(), false);
    Objects8.basicConfig(c, "192.0.2.0/28");
    Objects8.loadBalancer(c, "default", "plain", "Local", "192.0.2.11");
    Service applied = Objects8.loadBalancer(c, "default", "applied", "Local", "192.0.2.11");
    applied.getMetadata().setAnnotations(Map.of(LeanItemStore.LAST_APPLIED, "{\"kind\":\"Service\"}",
        ServiceView.ALLOW_SHARED_IP, "k"));
    applied.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
        .withOperation("Update").withApiVersion("v1").build()));
    c.services().resource(applied).update();
    Objects8.loadBalancer(c, "default", "shared", "Local", "192.0.2.11");
    c.services().inNamespace("default").withName("shared").edit(s -> {
      s.getMetadata().setAnnotations(Map.of(ServiceView.ALLOW_SHARED_IP, "k"));
      return s;
    });
    for (String svc : List.of("plain", "applied", "shared")) {
      c.discovery().v1().endpointSlices().resource(Objects8.slice("default", svc, svc + "-1", List.of("worker-1"))).create();
    }
    // The API holds both, so the informer is given both.
    var stored = c.services().inNamespace("default").withName("applied").get().getMetadata();
    assertThat(stored.getManagedFields()).isNotEmpty();
    assertThat(stored.getAnnotations()).containsKey(LeanItemStore.LAST_APPLIED);

    startWatcher("worker-1");
    Map<ServiceKey, ServiceDecision> decided = new java.util.HashMap<>();
    while (decided.size() < 3) {
      ServiceDecision d = next();
      decided.put(d.key(), d);
    }

    var cached = informers.serviceCache().get("default", "applied").orElseThrow().getMetadata();
    assertThat(cached.getManagedFields()).isNull();
    assertThat(cached.getAnnotations()).isEqualTo(Map.of(ServiceView.ALLOW_SHARED_IP, "k"));
    assertThat(informers.service(new ServiceKey("default", "applied")).orElseThrow().annotations())
        .isEqualTo(Map.of(ServiceView.ALLOW_SHARED_IP, "k"));
    // Decided as the same Service without them (and as one without the sharing key, as both announce).
    ServiceDecision a = decided.get(new ServiceKey("default", "applied"));
    assertThat(a).matches(BGP_ANNOUNCES);
    assertThat(a.bgp()).isEqualTo(decided.get(new ServiceKey("default", "shared")).bgp());
    assertThat(a.layer2()).isEqualTo(decided.get(new ServiceKey("default", "shared")).layer2());
    assertThat(a.bgp()).isEqualTo(decided.get(new ServiceKey("default", "plain")).bgp());
  }
}
