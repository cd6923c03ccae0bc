package io.herald.k8s.convert;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * fabric8 objects to Herald's views (the metallb.io configuration goes through the loader instead:
 * {@link ConfigSources}). Reads only: a cached informer object is shared with every
 * other reader and is never changed here (fabric8 FAQ).
 */
public final class Views {

  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private Views() {}

  private static Map<String, String> labels(ObjectMeta meta) {
    return meta == null ? Map.of() : withoutNulls(meta.getLabels());
  }

  /**
   * A label or annotation map without null values. The API server never returns one, but a JSON
   * merge patch that removes a key ({@code "key": null}) leaves exactly that behind in a server
   * that stores the patch verbatim, and one such object must not stop every later decision.
   */
  private static Map<String, String> withoutNulls(Map<String, String> m) {
    if (m == null) return Map.of();
    // Looked for by iterating: an immutable map (as the informer caches) throws on containsValue(null).
    boolean clean = true;
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        clean = false;
        break;
      }
    }
    if (clean) return m;
    Map<String, String> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (k != null && v != null) out.put(k, v);
    });
    return out;
  }

  public static ServiceKey key(Service svc) {
    return new ServiceKey(svc.getMetadata().getNamespace(), svc.getMetadata().getName());
  }

  public static ServiceView service(Service svc) {
    var spec = svc.getSpec();
    List<String> ips = new ArrayList<>();
    if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
        && svc.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress in : svc.getStatus().getLoadBalancer().getIngress()) {
        if (in.getIp() != null && !in.getIp().isEmpty()) ips.add(in.getIp());
      }
    }
    ObjectMeta meta = svc.getMetadata();
    return new ServiceView(
        key(svc),
        Objects.requireNonNullElse(meta.getUid(), ""),
        spec == null || spec.getType() == null ? "ClusterIP" : spec.getType(),
        Optional.ofNullable(spec == null ? null : spec.getLoadBalancerClass()),
        TrafficPolicy.of(spec == null ? null : spec.getExternalTrafficPolicy()),
        ips,
        labels(meta),
        withoutNulls(meta.getAnnotations()));
  }

  /** The Service an EndpointSlice belongs to, from its {@code kubernetes.io/service-name} label. */
  public static Optional<ServiceKey> serviceOf(EndpointSlice slice) {
    String name = labels(slice.getMetadata()).get(SERVICE_NAME_LABEL);
    if (name == null || name.isEmpty()) return Optional.empty();
    return Optional.of(new ServiceKey(slice.getMetadata().getNamespace(), name));
  }

  public static List<EndpointView> endpoints(EndpointSlice slice) {
    if (slice.getEndpoints() == null) return List.of();
    List<EndpointView> out = new ArrayList<>(slice.getEndpoints().size());
    for (Endpoint e : slice.getEndpoints()) {
      var c = e.getConditions();
      out.add(new EndpointView(
          Optional.ofNullable(e.getNodeName()),
          Optional.ofNullable(c == null ? null : c.getReady()),
          Optional.ofNullable(c == null ? null : c.getServing()),
          e.getAddresses() == null ? List.of() : e.getAddresses()));
    }
    return out;
  }

  public static NodeView node(Node node) {
    boolean unavailable = false;
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        if ("NetworkUnavailable".equals(c.getType()) && "True".equals(c.getStatus())) unavailable = true;
      }
    }
    return new NodeView(node.getMetadata().getName(), labels(node.getMetadata()), unavailable);
  }
}
