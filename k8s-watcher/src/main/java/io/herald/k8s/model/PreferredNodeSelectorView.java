package io.herald.k8s.model;

import java.util.Objects;

/**
 * One {@code preferredNodeSelectors} entry of an L2Advertisement: {@code weight} (1 to 100) for
 * the nodes {@code preference} matches.
 */
public record PreferredNodeSelectorView(int weight, LabelSelectorView preference) {
  public PreferredNodeSelectorView {
    if (weight < 1 || weight > 100) throw new IllegalArgumentException("weight " + weight);
    Objects.requireNonNull(preference, "preference");
  }
}
