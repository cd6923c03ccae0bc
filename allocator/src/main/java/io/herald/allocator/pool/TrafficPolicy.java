package io.herald.allocator.pool;

/** {@code spec.externalTrafficPolicy} of a Service. */
public enum TrafficPolicy {
  CLUSTER,
  LOCAL
}
