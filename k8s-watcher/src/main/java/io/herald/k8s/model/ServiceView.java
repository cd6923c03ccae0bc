package io.herald.k8s.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Herald needs of a Service.
 *
 * @param key namespace and name
 * @param uid {@code metadata.uid}, for Events' {@code involvedObject}
 * @param type {@code spec.type}, e.g. {@code LoadBalancer}
 * @param loadBalancerClass {@code spec.loadBalancerClass}, empty when unset
 * @param externalTrafficPolicy {@code spec.externalTrafficPolicy}
 * @param ingressIps {@code status.loadBalancer.ingress[].ip}, in order
 * @param labels {@code metadata.labels}
 * @param annotations {@code metadata.annotations}
 */
public record ServiceView(
    ServiceKey key,
    String uid,
    String type,
    Optional<String> loadBalancerClass,
    TrafficPolicy externalTrafficPolicy,
    List<String> ingressIps,
    Map<String, String> labels,
    Map<String, String> annotations) {

  /** The sharing-key annotation; the {@code metallb.io/} prefix wins over the deprecated one. */
  public static final String ALLOW_SHARED_IP = "metallb.io/allow-shared-ip";

  public static final String ALLOW_SHARED_IP_DEPRECATED = "metallb.universe.tf/allow-shared-ip";

  public ServiceView {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
    Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
    ingressIps = List.copyOf(ingressIps);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public boolean isLoadBalancer() {
    return "LoadBalancer".equals(type);
  }

  /** The {@code allow-shared-ip} sharing key, if the Service carries one. */
  public Optional<String> sharingKey() {
    String v = annotations.get(ALLOW_SHARED_IP);
    if (v == null) v = annotations.get(ALLOW_SHARED_IP_DEPRECATED);
    return Optional.ofNullable(v);
  }
}
