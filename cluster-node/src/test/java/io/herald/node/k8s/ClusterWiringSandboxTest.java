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
  void aServiceThatCannotBeServedGetsAnAllocationFailedWarning() throws Exception {
    create("lost", "Cluster", Map.of("metallb.universe.tf/address-pool", "nowhere"));
    Collector.await("AllocationFailed Event",
        () -> events("lost").stream().anyMatch(e -> "AllocationFailed".equals(e.getReason())));
    Event failed = events("lost").stream().filter(e -> "AllocationFailed".equals(e.getReason())).findFirst().orElseThrow();
    assertThat(failed.getType()).isEqualTo("Warning");
    assertThat(failed.getMessage()).startsWith("Failed to allocate IP for \"default/lost\": ");
    assertThat(client.services().inNamespace("default").withName("lost").get().getStatus().getLoadBalancer().getIngress())
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
}
