package io.herald.node.demo;

import java.util.List;
import java.util.Objects;

/**
 * One path in the demo router's table: a prefix, the next hop it points to (the announcing node's
 * address), and its communities as the router prints them.
 */
public record LearnedRoute(String prefix, String nextHop, List<String> communities) {
  public LearnedRoute {
    Objects.requireNonNull(prefix);
    Objects.requireNonNull(nextHop);
    communities = List.copyOf(communities);
  }
}
