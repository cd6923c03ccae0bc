package io.herald.k8s.model;

/** {@code spec.externalTrafficPolicy} of a Service. */
public enum TrafficPolicy {
  /** Any node may receive traffic; kube-proxy forwards it to any endpoint. */
  CLUSTER,
  /** Only nodes with a local endpoint may receive traffic (client source IP is kept). */
  LOCAL;

  /** Kubernetes spells it {@code Local}; anything else (unset, {@code Cluster}) is CLUSTER. */
  public static TrafficPolicy of(String value) {
    return "Local".equals(value) ? LOCAL : CLUSTER;
  }
}
