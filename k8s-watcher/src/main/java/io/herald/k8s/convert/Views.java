package io.herald.k8s.convert;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.herald.k8s.model.AddressRange;
import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.LabelSelectorView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.PeerView;
import io.herald.k8s.model.PoolView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * fabric8 objects to Herald's views. Reads only: a cached informer object is shared with every
 * other reader and is never changed here (fabric8 FAQ).
 */
public final class Views {

  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private Views() {}

  private static Map<String, String> labels(ObjectMeta meta) {
    return meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
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
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
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

  public static LabelSelectorView selector(LabelSelector s) {
    if (s == null) return LabelSelectorView.EVERYTHING;
    List<LabelSelectorView.Requirement> reqs = new ArrayList<>();
    if (s.getMatchExpressions() != null) {
      for (var r : s.getMatchExpressions()) {
        reqs.add(new LabelSelectorView.Requirement(
            r.getKey(), LabelSelectorView.Operator.of(r.getOperator()), r.getValues() == null ? List.of() : r.getValues()));
      }
    }
    return new LabelSelectorView(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels(), reqs);
  }

  // --- metallb.io resources, read as generic resources (their schema is MetalLB's, not fabric8's) ---

  private static Map<?, ?> spec(GenericKubernetesResource r) {
    return r.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
  }

  private static List<String> strings(Map<?, ?> spec, String field) {
    if (!(spec.get(field) instanceof List<?> l)) return List.of();
    return l.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }

  private static List<LabelSelectorView> selectors(Map<?, ?> spec, String field) {
    if (!(spec.get(field) instanceof List<?> l)) return List.of();
    List<LabelSelectorView> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof Map<?, ?> m)) continue;
      Map<String, String> match = new java.util.HashMap<>();
      if (m.get("matchLabels") instanceof Map<?, ?> ml) ml.forEach((k, v) -> match.put(String.valueOf(k), String.valueOf(v)));
      List<LabelSelectorView.Requirement> reqs = new ArrayList<>();
      if (m.get("matchExpressions") instanceof List<?> exprs) {
        for (Object e : exprs) {
          if (!(e instanceof Map<?, ?> em)) continue;
          List<String> values = em.get("values") instanceof List<?> vs ? vs.stream().map(String::valueOf).toList() : List.of();
          reqs.add(new LabelSelectorView.Requirement(
              String.valueOf(em.get("key")), LabelSelectorView.Operator.of(String.valueOf(em.get("operator"))), values));
        }
      }
      out.add(new LabelSelectorView(match, reqs));
    }
    return out;
  }

  /** An IPAddressPool; throws {@link IllegalArgumentException} for an address it cannot parse. */
  public static PoolView pool(GenericKubernetesResource r) {
    List<AddressRange> ranges = strings(spec(r), "addresses").stream().map(AddressRange::parse).toList();
    return new PoolView(r.getMetadata().getName(), labels(r.getMetadata()), ranges);
  }

  public static AdvertisementView advertisement(GenericKubernetesResource r, AnnounceProtocol protocol) {
    Map<?, ?> spec = spec(r);
    return new AdvertisementView(
        r.getMetadata().getName(),
        protocol,
        strings(spec, "ipAddressPools"),
        selectors(spec, "ipAddressPoolSelectors"),
        selectors(spec, "serviceSelectors"),
        selectors(spec, "nodeSelectors"),
        protocol == AnnounceProtocol.BGP ? strings(spec, "peers") : List.of(),
        protocol == AnnounceProtocol.LAYER2 ? strings(spec, "interfaces") : List.of());
  }

  public static PeerView peer(GenericKubernetesResource r) {
    return new PeerView(r.getMetadata().getName(), selectors(spec(r), "nodeSelectors"));
  }
}
