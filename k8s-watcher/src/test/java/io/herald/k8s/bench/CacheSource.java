package io.herald.k8s.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.herald.k8s.convert.Views;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.watcher.ServiceSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An informer-like cache of fabric8 objects without an API server, read the way
 * {@code ClusterInformers} reads its stores: the newest object is converted with {@link Views} on
 * each read, EndpointSlices are found by Service. Writers replace objects (never mutate them) and
 * then mark the Service dirty, as fabric8 updates its store before calling the handlers.
 */
final class CacheSource implements ServiceSource {

  private final Map<ServiceKey, Service> services = new ConcurrentHashMap<>();
  private final Map<ServiceKey, List<EndpointSlice>> slicesByService = new ConcurrentHashMap<>();
  private final Map<String, NodeView> nodes;
  private final ConfigView config;

  CacheSource(List<Node> nodes, ConfigView config) {
    Map<String, NodeView> m = new HashMap<>();
    for (Node n : nodes) m.put(n.getMetadata().getName(), Views.node(n));
    this.nodes = Map.copyOf(m);
    this.config = config;
  }

  void putService(Service s) {
    services.put(Views.key(s), s);
  }

  /** Replaces the Service's (single) EndpointSlice. */
  void putSlice(EndpointSlice s) {
    slicesByService.put(Views.serviceOf(s).orElseThrow(), List.of(s));
  }

  @Override
  public Optional<ServiceView> service(ServiceKey key) {
    return Optional.ofNullable(services.get(key)).map(Views::service);
  }

  @Override
  public List<EndpointView> endpoints(ServiceKey key) {
    List<EndpointView> out = new ArrayList<>();
    for (EndpointSlice s : slicesByService.getOrDefault(key, List.of())) out.addAll(Views.endpoints(s));
    return out;
  }

  @Override
  public Map<String, NodeView> nodes() {
    return nodes;
  }

  @Override
  public ConfigView config() {
    return config;
  }

  @Override
  public Collection<ServiceKey> services() {
    return List.copyOf(services.keySet());
  }
}
