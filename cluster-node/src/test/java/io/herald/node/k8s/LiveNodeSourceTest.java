package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import io.herald.k8s.watcher.ServiceSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The watcher's node view narrowed to live Herald members, with this node always kept. */
class LiveNodeSourceTest {
  private static final ServiceKey WEB = new ServiceKey("default", "web");

  /** A fixed cluster: three Nodes, one Service with one endpoint, an empty configuration. */
  private record Cluster(Map<String, NodeView> nodes) implements ServiceSource {
    @Override
    public Optional<ServiceView> service(ServiceKey key) {
      return key.equals(WEB)
          ? Optional.of(new ServiceView(WEB, "uid", "LoadBalancer", Optional.empty(), TrafficPolicy.CLUSTER,
              List.of("192.0.2.10"), Map.of(), Map.of()))
          : Optional.empty();
    }

    @Override
    public List<EndpointView> endpoints(ServiceKey key) {
      return key.equals(WEB)
          ? List.of(new EndpointView(Optional.of("worker-3"), Optional.of(true), Optional.empty(), List.of("10.0.0.1")))
          : List.of();
    }

    @Override
    public ConfigView config() {
      return new ConfigView(List.of(), List.of(), List.of());
    }

    @Override
    public Collection<ServiceKey> services() {
      return List.of(WEB);
    }
  }

  private static Cluster cluster() {
    Map<String, NodeView> nodes = new LinkedHashMap<>();
    for (String n : List.of("worker-1", "worker-2", "worker-3")) nodes.put(n, new NodeView(n, Map.of("name", n), false));
    return new Cluster(nodes);
  }

  @Test
  void nodesAreTheLiveOnesPlusThisNode() {
    Cluster c = cluster();
    AtomicReference<Set<String>> live = new AtomicReference<>(Set.of("worker-3"));
    LiveNodeSource s = new LiveNodeSource(c, "worker-1", live::get);
    assertThat(s.nodes()).containsOnlyKeys("worker-1", "worker-3");
    assertThat(s.nodes().get("worker-3")).isEqualTo(c.nodes().get("worker-3"));

    live.set(Set.of("worker-1", "worker-2", "worker-3"));
    assertThat(s.nodes()).as("read on every call, never cached").containsOnlyKeys("worker-1", "worker-2", "worker-3");

    live.set(Set.of());
    assertThat(s.nodes()).as("this node stays: BGP decides on it alone").containsOnlyKeys("worker-1");
  }

  @Test
  void aLiveMemberWithoutANodeObjectIsNotInvented() {
    LiveNodeSource s = new LiveNodeSource(cluster(), "worker-1", () -> Set.of("worker-9", "worker-2"));
    assertThat(s.nodes()).containsOnlyKeys("worker-1", "worker-2");
  }

  @Test
  void thisNodeWithoutANodeObjectStaysUnknown() {
    LiveNodeSource s = new LiveNodeSource(cluster(), "worker-7", () -> Set.of("worker-7", "worker-1"));
    assertThat(s.nodes()).containsOnlyKeys("worker-1");
  }

  @Test
  void everythingElsePassesThrough() {
    Cluster c = cluster();
    LiveNodeSource s = new LiveNodeSource(c, "worker-1", Set::of);
    assertThat(s.service(WEB)).isEqualTo(c.service(WEB));
    assertThat(s.service(new ServiceKey("default", "gone"))).isEmpty();
    assertThat(s.endpoints(WEB)).isEqualTo(c.endpoints(WEB));
    assertThat(s.config()).isEqualTo(c.config());
    assertThat(s.services()).containsExactly(WEB);
  }
}
