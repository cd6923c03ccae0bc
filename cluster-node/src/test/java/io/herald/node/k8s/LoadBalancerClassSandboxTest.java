package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import io.herald.k8s.event.EventSources;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.node.Collector;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started with a {@code loadBalancerClass} (MetalLB's {@code --lb-class}) and renamed
 * Event sources, reading a sandbox API: only Services of its class get addresses and Events.
 */
class LoadBalancerClassSandboxTest {

  static final String POOL = "198.51.100.0/28";
  static final String CLASS = "example.com/herald";

  @TempDir Path dir;
  SandboxApi api;
  KubernetesClient client;
  HeraldNode node;
  ClusterWiring wiring;

  @BeforeEach
  void setUp() throws Exception {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    client = api.client();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).create();
    client.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("config").withNamespace("metallb-system").endMetadata()
        .addToData("config", "address-pools:\n  - name: lab\n    protocol: layer2\n    addresses: [" + POOL + "]\n")
        .build()).create();
    NodeSettings base = TestNodes.settings("node-a", TestNodes.freePort(), List.of(),
        new NodeSettings.Journal.H2(dir.resolve("journal")), Duration.ofMillis(100));
    NodeSettings settings = new NodeSettings(base.nodeName(), base.nodeLabels(), base.bind(), base.http(),
        base.seedNodes(), base.journal(), base.drainTime(), base.kubeconfig(), base.bootstrap(), Optional.of(CLASS));
    node = HeraldNode.start(settings, TestNodes.config(TestNodes.ONE_POOL), TestNodes.FAST);
    wiring = ClusterWiring.start(node, client, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(20)),
        new EventSources("herald-speaker", "herald-controller"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (wiring != null) wiring.close();
    if (api != null) api.close();
    TestNodes.awaitH2Closed(dir);
  }

  private void create(String name, String lbClass) {
    var spec = new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default")
        .addToAnnotations("metallb.universe.tf/allow-shared-ip", name).endMetadata()
        .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(lbClass)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build();
    client.services().inNamespace("default").resource(spec).create();
  }

  private List<String> ingress(String name) {
    Service s = client.services().inNamespace("default").withName(name).get();
    if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return s.getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
  }

  private List<io.fabric8.kubernetes.api.model.Event> events(String service) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> service.equals(e.getInvolvedObject().getName())).toList();
  }

  @Test
  void onlyServicesOfTheNodesClassAreServed() throws Exception {
    create("classless", null);
    create("other", "example.com/other");
    create("ours", CLASS);

    Collector.await("ingress of ours", () -> !ingress("ours").isEmpty());
    assertThat(IpRange.of(POOL).contains(IpAddress.of(ingress("ours").get(0)))).isTrue();
    // A Warning derived from the object itself (not from the allocation's change, which a retried
    // ask on a loaded machine can report as unchanged) carries the renamed controller source.
    Collector.await("deprecatedAnnotation Event of ours", () -> !events("ours").isEmpty());
    assertThat(events("ours")).allSatisfy(e -> assertThat(e.getSource().getComponent()).isEqualTo("herald-controller"))
        .extracting(e -> e.getReason()).contains("deprecatedAnnotation");

    // The Services before it in the same informer stream were seen and left alone.
    wiring.drainEvents();
    assertThat(ingress("classless")).isEmpty();
    assertThat(ingress("other")).isEmpty();
    assertThat(events("classless")).isEmpty();
    assertThat(events("other")).isEmpty();
    assertThat(node.allocations().snapshot().toCompletableFuture().get(10, TimeUnit.SECONDS).allocations())
        .extracting(a -> a.service().name()).containsExactly("ours");
  }
}
