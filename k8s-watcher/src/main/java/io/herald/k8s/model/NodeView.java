package io.herald.k8s.model;

import java.util.Map;
import java.util.Objects;

/**
 * What Herald needs of a Node.
 *
 * @param name {@code metadata.name}
 * @param labels {@code metadata.labels}
 * @param networkUnavailable whether the {@code NetworkUnavailable} condition is {@code True}
 */
public record NodeView(String name, Map<String, String> labels, boolean networkUnavailable) {

  /** Nodes with this label never announce (unless the exclusion is switched off). */
  public static final String EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS =
      "node.kubernetes.io/exclude-from-external-load-balancers";

  public NodeView {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  /** Whether the node carries the exclude label; its value does not matter, as in Kubernetes. */
  public boolean excludedFromLoadBalancers() {
    return labels.containsKey(EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS);
  }
}
