package io.herald.allocator.config;

import io.herald.allocator.pool.LabelSelector;
import java.util.Objects;

/**
 * One entry of an L2Advertisement's {@code preferredNodeSelectors} (MetalLB main): nodes that the
 * advertisement makes eligible and that match {@code preference} get {@code weight} added to their
 * score in the Layer 2 election. Modelled on Kubernetes' {@code PreferredSchedulingTerm}.
 *
 * @param weight 1 to 100
 * @param preference the nodes it applies to; the empty selector matches every node
 */
public record PreferredNodeSelector(int weight, LabelSelector preference) {
  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 100;

  public PreferredNodeSelector {
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) throw new IllegalArgumentException("weight " + weight);
    Objects.requireNonNull(preference, "preference");
  }
}
