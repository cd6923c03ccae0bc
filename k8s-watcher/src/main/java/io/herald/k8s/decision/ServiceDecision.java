package io.herald.k8s.decision;

import io.herald.k8s.model.ServiceKey;
import java.util.Objects;

/** This node's decision for one Service, for both protocols: what the watcher publishes. */
public record ServiceDecision(ServiceKey key, AnnounceDecision bgp, AnnounceDecision layer2) {

  public ServiceDecision {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(bgp, "bgp");
    Objects.requireNonNull(layer2, "layer2");
  }

  /** Whether either protocol announces. */
  public boolean announces() {
    return bgp.kind() == AnnounceDecision.Kind.ANNOUNCE || layer2.kind() == AnnounceDecision.Kind.ANNOUNCE;
  }
}
