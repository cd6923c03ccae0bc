package io.herald.node.k8s;

import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.watcher.ServiceSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The watcher's view of the cluster with only the nodes that run a live Herald member (and this
 * node): so the Layer 2 election ({@code AnnouncePolicy.decideLayer2}) chooses among live
 * speakers, as MetalLB does with memberlist, while the BGP decision still sees this node.
 */
final class LiveNodeSource implements ServiceSource {
  private final ServiceSource delegate;
  private final String self;
  private final Supplier<Set<String>> live;

  LiveNodeSource(ServiceSource delegate, String self, Supplier<Set<String>> live) {
    this.delegate = delegate;
    this.self = self;
    this.live = live;
  }

  @Override
  public Optional<ServiceView> service(ServiceKey key) {
    return delegate.service(key);
  }

  @Override
  public List<EndpointView> endpoints(ServiceKey key) {
    return delegate.endpoints(key);
  }

  @Override
  public Map<String, NodeView> nodes() {
    Set<String> up = live.get();
    Map<String, NodeView> out = new LinkedHashMap<>();
    delegate.nodes().forEach((name, n) -> {
      if (name.equals(self) || up.contains(name)) out.put(name, n);
    });
    return out;
  }

  @Override
  public ConfigView config() {
    return delegate.config();
  }

  @Override
  public Collection<ServiceKey> services() {
    return delegate.services();
  }
}
