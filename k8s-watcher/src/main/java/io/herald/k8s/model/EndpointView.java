package io.herald.k8s.model;

import java.util.List;
import java.util.Optional;

/**
 * One endpoint of an EndpointSlice (discovery.k8s.io/v1).
 *
 * @param nodeName {@code nodeName}, empty when the slice does not say
 * @param ready {@code conditions.ready}; empty when absent
 * @param serving {@code conditions.serving}; empty when absent
 * @param addresses {@code addresses}
 */
public record EndpointView(
    Optional<String> nodeName, Optional<Boolean> ready, Optional<Boolean> serving, List<String> addresses) {

  public EndpointView {
    java.util.Objects.requireNonNull(nodeName, "nodeName");
    java.util.Objects.requireNonNull(ready, "ready");
    java.util.Objects.requireNonNull(serving, "serving");
    addresses = List.copyOf(addresses);
  }

  /**
   * Whether this endpoint can take traffic: {@code ready} absent or true, or {@code serving} true
   * (a terminating endpoint that still serves). This is MetalLB's {@code EndpointCanServe}; the
   * EndpointSlice API says consumers should treat an absent {@code ready} as ready.
   */
  public boolean canServe() {
    return ready.orElse(true) || serving.orElse(false);
  }

  /** Whether this endpoint can serve and runs on {@code node}. */
  public boolean canServeOn(String node) {
    return canServe() && nodeName.filter(node::equals).isPresent();
  }
}
