package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.Collector;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.Readiness;
import io.herald.node.TestNodes;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Prefix;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node reading a sandbox API, announcing to a route collector on loopback: the configuration
 * comes from the cluster (the legacy ConfigMap, shaped as the example Helm values), Services get
 * addresses and status, routes follow the endpoints, and the Events read as MetalLB's.
 */
class ClusterWiringSandboxTest {

  static final String PRIVATE = "198.51.100.0/24";
  static final String PUBLIC = "203.0.113.0/26";

  @TempDir Path dir;
  SandboxApi api;
  KubernetesClient client;
  BgpTransport transport;
  Collector router;
  HeraldNode node;
  ClusterWiring wiring;

  /** The configInline of deploy/examples/metallb-values.yaml, with documentation ranges and the collector as peer. */
  static String legacyConfig(int peerPort) {
    return """
        peers:
          - peer-address: 127.0.0.2
            peer-port: %d
            peer-asn: 64500
            my-asn: 64501
        address-pools:
          - name: private
            protocol: bgp
            addresses:
              - %s
          - name: public
            protocol: bgp
            auto-assign: false
            addresses:
              - %s
        """.formatted(peerPort, PRIVATE, PUBLIC);
  }

  @BeforeEach
  void setUp() throws Exception {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    client = api.client();
    transport = new BgpTransport();
    router = new Collector(transport, "127.0.0.2", "127.0.0.1", Asn.of(64500), Asn.of(64501));
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a")
        .addToLabels("kubernetes.io/hostname", "node-a").endMetadata().build()).create();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-b")
        .addToLabels("kubernetes.io/hostname", "node-b").endMetadata().build()).create();
    client.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("config").withNamespace("metallb-system").endMetadata()
        .addToData("config", legacyConfig(router.port)).build()).create();
    NodeSettings settings = TestNodes.settings("node-a", TestNodes.freePort(), List.of(),
        new NodeSettings.Journal.H2(dir.resolve("journal")), Duration.ofMillis(100));
    // The command line's configuration: replaced by the cluster's once the informers synced.
    node = HeraldNode.start(settings, TestNodes.config(TestNodes.ONE_POOL), TestNodes.FAST);
    wiring = ClusterWiring.start(node, client, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(20)));
  }

  @AfterEach
  void tearDown() throws Exception {
    // The node first (it drains its sessions), then the writers the wiring feeds.
    if (node != null) node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (wiring != null) wiring.close();
    if (router != null) router.close();
    if (transport != null) transport.close();
    if (api != null) api.close();
    TestNodes.awaitH2Closed(dir);
  }

  Service create(String name, String etp, Map<String, String> annotations) {
    return client.services().inNamespace("default").resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace("default").addToLabels("app", name)
        .addToAnnotations(annotations).endMetadata()
        .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(etp).addToSelector("app", name)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
  }

  static EndpointSlice slice(String svc, String nodeName) {
    return new EndpointSliceBuilder().withNewMetadata().withName(svc + "-1").withNamespace("default")
        .addToLabels("kubernetes.io/service-name", svc).endMetadata().withAddressType("IPv4")
        .addNewEndpoint().withAddresses("10.244.0.7").withNodeName(nodeName)
        .withNewConditions().withReady(true).endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
  }

  String ingress(String name) throws InterruptedException {
    String[] ip = new String[1];
    Collector.await("ingress of " + name, () -> {
      Service s = client.services().inNamespace("default").withName(name).get();
      var in = s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? null
          : s.getStatus().getLoadBalancer().getIngress();
      if (in == null || in.isEmpty()) return false;
      ip[0] = in.get(0).getIp();
      return true;
    });
    return ip[0];
  }

  private String pool(String name) {
    return client.services().inNamespace("default").withName(name).get().getMetadata().getAnnotations()
        .get(ServiceStatusWriter.POOL_ANNOTATION);
  }

  private List<Event> events(String service) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> service.equals(e.getInvolvedObject().getName())).toList();
  }

  private static boolean within(String cidr, String ip) {
    return IpRange.of(cidr).contains(IpAddress.of(ip));
  }

  @Test
  void allocatesFromTheDefaultPoolOrTheRequestedOneAndWritesStatusAndEvents() throws Exception {
    assertThat(node.readiness().conditions()).containsEntry(Readiness.INFORMERS_SYNCED, true);
    create("web", "Cluster", Map.of());
    create("edge", "Cluster", Map.of("metallb.universe.tf/address-pool", "public"));

    String web = ingress("web");
    assertThat(within(PRIVATE, web)).as("web got %s from the auto-assign pool", web).isTrue();
    Collector.await("pool annotation of web", () -> "private".equals(pool("web")));
    String edge = ingress("edge");
    assertThat(within(PUBLIC, edge)).as("edge got %s from the pool it asked for", edge).isTrue();
    Collector.await("pool annotation of edge", () -> "public".equals(pool("edge")));

    Collector.await("IPAllocated Event", () -> events("web").stream().anyMatch(e -> "IPAllocated".equals(e.getReason())));
    Event allocated = events("web").stream().filter(e -> "IPAllocated".equals(e.getReason())).findFirst().orElseThrow();
    assertThat(allocated.getMessage()).isEqualTo("Assigned IP [\"" + web + "\"]");
    assertThat(allocated.getSource().getComponent()).isEqualTo("metallb-controller");
  }

  @Test
  void aStatusOrPoolAnnotationChangedByHandIsPutBack() throws Exception {
    create("web", "Cluster", Map.of());
    String web = ingress("web");
    Collector.await("pool annotation of web", () -> "private".equals(pool("web")));

    client.services().inNamespace("default").withName("web").editStatus(s -> {
      s.getStatus().getLoadBalancer().getIngress().get(0).setIp("198.51.100.250");
      return s;
    });
    Collector.await("web's address put back", () -> web.equals(ingressNow("web")));

    client.services().inNamespace("default").withName("web").edit(s -> {
      s.getMetadata().getAnnotations().remove(ServiceStatusWriter.POOL_ANNOTATION);
      return s;
    });
    Collector.await("web's pool annotation put back", () -> "private".equals(pool("web")));
    assertThat(ingressNow("web")).isEqualTo(web);
  }

  private String ingressNow(String name) {
    var status = client.services().inNamespace("default").withName(name).get().getStatus();
    var in = status == null || status.getLoadBalancer() == null ? null : status.getLoadBalancer().getIngress();
    return in == null || in.isEmpty() ? null : in.get(0).getIp();
  }

  @Test
  void aServiceThatCannotBeServedGetsAnAllocationFailedWarning() throws Exception {
    create("lost", "Cluster", Map.of("metallb.universe.tf/address-pool", "nowhere"));
    Collector.await("AllocationFailed Event",
        () -> events("lost").stream().anyMatch(e -> "AllocationFailed".equals(e.getReason())));
    Event failed = events("lost").stream().filter(e -> "AllocationFailed".equals(e.getReason())).findFirst().orElseThrow();
    assertThat(failed.getType()).isEqualTo("Warning");
    assertThat(failed.getMessage()).startsWith("Failed to allocate IP for \"default/lost\": ");
    // The status write (clearing it) and the Event go through different writers: either may land
    // first, and a Service whose status was never written has none at all.
    var status = client.services().inNamespace("default").withName("lost").get().getStatus();
    assertThat(status == null || status.getLoadBalancer() == null ? null : status.getLoadBalancer().getIngress())
        .as("no address").isNullOrEmpty();
  }

  @Test
  void aLocalServiceIsAnnouncedWhileItHasAnEndpointOnThisNodeOnly() throws Exception {
    create("local", "Local", Map.of());
    client.discovery().v1().endpointSlices().inNamespace("default").resource(slice("local", "node-a")).create();
    String ip = ingress("local");
    Prefix route = Prefix.parse(ip + "/32");
    Collector.await("route " + route + " at the router", () -> router.routes.containsKey(route));

    Collector.await("nodeAssigned Event", () -> events("local").stream().anyMatch(e -> "nodeAssigned".equals(e.getReason())));
    Event assigned = events("local").stream().filter(e -> "nodeAssigned".equals(e.getReason())).findFirst().orElseThrow();
    assertThat(assigned.getMessage()).isEqualTo("announcing from node \"node-a\"");
    assertThat(assigned.getSource().getComponent()).isEqualTo("metallb-speaker");
    assertThat(assigned.getSource().getHost()).isEqualTo("node-a");

    // The endpoint moves to another node: this node has no local endpoint left and withdraws.
    client.discovery().v1().endpointSlices().inNamespace("default").resource(slice("local", "node-b")).update();
    Collector.await("route " + route + " withdrawn", () -> !router.routes.containsKey(route));
    assertThat(router.log).contains("W " + route);

    // Deleting the Service frees its address for the next one.
    client.services().inNamespace("default").withName("local").delete();
    Collector.await("address released", () -> node.allocations().snapshot().toCompletableFuture().join()
        .allocations().stream().noneMatch(a -> a.service().name().equals("local")));
  }

  private List<Event> events(String service, String reason) {
    return events(service).stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  /** A merge patch, with no resourceVersion: the node writes the Service's status meanwhile. */
  private void mergePatch(String name, String patch) {
    client.services().inNamespace("default").withName(name).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        patch);
  }

  private void touch(String name) {
    mergePatch(name, "{\"metadata\":{\"labels\":{\"touched\":\"yes\"}}}");
  }

  /**
   * Every Service in {@code broken} is converged again (a label change each), then a new Service
   * is allocated after them: once its IPAllocated Event is written, the controller's loop has
   * handled the changes before it.
   */
  private void convergeAgain(String marker, String... broken) throws Exception {
    for (String b : broken) touch(b);
    create(marker, "Cluster", Map.of());
    Collector.await("IPAllocated Event of " + marker, () -> !events(marker, "IPAllocated").isEmpty());
    wiring.drainEvents();
  }

  @Test
  void deprecatedAndMalformedAnnotationsGetMetallbsWarningsOnceEach() throws Exception {
    create("old", "Cluster", Map.of("metallb.universe.tf/address-pool", "public",
        "metallb.universe.tf/allow-shared-ip", "old"));
    create("bad-ip", "Cluster", Map.of("metallb.io/loadBalancerIPs", "198.51.100.300"));
    create("lost", "Cluster", Map.of("metallb.io/address-pool", "nowhere"));

    Collector.await("deprecatedAnnotation Events of old", () -> events("old", "deprecatedAnnotation").size() == 2);
    assertThat(events("old", "deprecatedAnnotation")).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getSource().getComponent()).isEqualTo("metallb-controller");
    }).extracting(Event::getMessage).containsExactlyInAnyOrder(
        "Service uses deprecated annotation metallb.universe.tf/address-pool",
        "Service uses deprecated annotation metallb.universe.tf/allow-shared-ip");
    assertThat(within(PUBLIC, ingress("old"))).as("the deprecated annotation is still honoured").isTrue();

    Collector.await("LoadBalancerFailed Event of bad-ip", () -> !events("bad-ip", "LoadBalancerFailed").isEmpty());
    Event badIp = events("bad-ip", "LoadBalancerFailed").get(0);
    assertThat(badIp.getType()).isEqualTo("Warning");
    assertThat(badIp.getMessage()).startsWith("invalid requested loadbalancer IPs: ").contains("198.51.100.300");
    Collector.await("AllocationFailed Event of lost", () -> !events("lost", "AllocationFailed").isEmpty());
    assertThat(events("lost", "AllocationFailed").get(0).getMessage())
        .isEqualTo("Failed to allocate IP for \"default/lost\": unknown pool \"nowhere\"");

    // Converged again, unchanged: the same Warnings are not recorded again.
    convergeAgain("marker", "old", "bad-ip", "lost");
    assertThat(events("old", "deprecatedAnnotation")).hasSize(2).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
    assertThat(events("bad-ip", "LoadBalancerFailed")).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    assertThat(events("lost", "AllocationFailed")).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    assertThat(events("marker", "deprecatedAnnotation")).isEmpty();

    // Fixed, then broken again: a new occurrence is recorded (and counted on the same Event).
    mergePatch("lost", "{\"metadata\":{\"annotations\":{\"metallb.io/address-pool\":\"public\"}}}");
    assertThat(within(PUBLIC, ingress("lost"))).isTrue();
    mergePatch("lost", "{\"metadata\":{\"annotations\":{\"metallb.io/address-pool\":\"nowhere\"}}}");
    Collector.await("AllocationFailed recorded again", () -> {
      try {
        wiring.drainEvents();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return events("lost", "AllocationFailed").stream().mapToInt(Event::getCount).sum() == 2;
    });
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> configurationState() {
    var r = client.genericKubernetesResources("metallb.io/v1beta1", "ConfigurationState")
        .inNamespace("metallb-system").withName("speaker-node-a").get();
    return r == null ? Map.of() : (Map<String, Object>) r.getAdditionalProperties().getOrDefault("status", Map.of());
  }

  @Test
  void everyConfigurationLoadIsWrittenToTheNodesConfigurationState() throws Exception {
    Collector.await("ConfigurationState speaker-node-a Valid", () -> "Valid".equals(configurationState().get("result")));
    var state = client.genericKubernetesResources("metallb.io/v1beta1", "ConfigurationState")
        .inNamespace("metallb-system").withName("speaker-node-a").get();
    assertThat(state.getMetadata().getLabels()).containsEntry("metallb.io/component-type", "speaker")
        .containsEntry("metallb.io/node-name", "node-a");
    assertThat(configurationState()).doesNotContainKey("errorSummary");

    // Broken: an address that is no CIDR. The last valid configuration stays in force.
    client.configMaps().inNamespace("metallb-system").withName("config").edit(cm -> new ConfigMapBuilder(cm)
        .addToData("config", legacyConfig(router.port).replace(PUBLIC, "203.0.113.0/99")).build());
    Collector.await("ConfigurationState Invalid", () -> "Invalid".equals(configurationState().get("result")));
    assertThat((String) configurationState().get("errorSummary")).contains("203.0.113.0/99");
    List<?> conditions = (List<?>) configurationState().get("conditions");
    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(((Map<?, ?>) c).get("type")).isEqualTo("configReconcilerValid");
      assertThat(((Map<?, ?>) c).get("status")).isEqualTo("False");
    });
    create("still-served", "Cluster", Map.of());
    assertThat(within(PRIVATE, ingress("still-served"))).as("the last valid configuration allocates").isTrue();

    // Fixed: Valid again, and the error is gone.
    client.configMaps().inNamespace("metallb-system").withName("config").edit(cm -> new ConfigMapBuilder(cm)
        .addToData("config", legacyConfig(router.port)).build());
    Collector.await("ConfigurationState Valid again", () -> "Valid".equals(configurationState().get("result")));
    assertThat(configurationState()).doesNotContainKey("errorSummary");
  }
}
