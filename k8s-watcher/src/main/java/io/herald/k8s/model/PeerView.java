package io.herald.k8s.model;

import io.herald.allocator.pool.LabelSelector;
import java.util.List;
import java.util.Objects;

/** A BGPPeer reduced to its name and the nodes that peer with it (empty selectors: every node). */
public record PeerView(String name, List<LabelSelector> nodeSelectors) {

  public PeerView {
    Objects.requireNonNull(name, "name");
    nodeSelectors = List.copyOf(nodeSelectors);
  }
}
