package io.herald.k8s.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Per-node settings of the announce decision.
 *
 * @param nodeName the node this speaker runs on
 * @param loadBalancerClass handle only Services of this class; when empty, only Services without a
 *     class (MetalLB {@code --lb-class})
 * @param ignoreExcludeLabel announce even from nodes labelled
 *     {@code node.kubernetes.io/exclude-from-external-load-balancers} ({@code --ignore-exclude-lb})
 */
public record AnnounceSettings(String nodeName, Optional<String> loadBalancerClass, boolean ignoreExcludeLabel) {

  public AnnounceSettings {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
  }

  public static AnnounceSettings forNode(String nodeName) {
    return new AnnounceSettings(nodeName, Optional.empty(), false);
  }
}
