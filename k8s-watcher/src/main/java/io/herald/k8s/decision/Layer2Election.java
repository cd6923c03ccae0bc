package io.herald.k8s.decision;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The Layer 2 owner of one IP among candidate nodes, as MetalLB's speaker elects it
 * ({@code layer2_controller.go ShouldAnnounce}): highest summed {@code preferredNodeSelectors}
 * weight first, then {@code sha256(node + "#" + firstIP)} ascending, then the name. Pure and
 * stateless: every node computes the same owner from the same candidates, and a candidate that
 * comes or goes moves only the IPs for which it sorts first.
 */
public final class Layer2Election {

  private Layer2Election() {}

  /**
   * @param firstIp the Service's first ingress IP, as text (the hash key)
   * @param weights every candidate node by name, with its preference weight (0 without preferences)
   * @return the owner, empty when there is no candidate
   */
  public static Optional<String> owner(String firstIp, Map<String, Integer> weights) {
    String winner = null;
    int bestWeight = 0;
    byte[] bestKey = null;
    // Each candidate's key is hashed once (a comparator would hash both sides of every comparison).
    for (var e : weights.entrySet()) {
      String n = e.getKey();
      int w = e.getValue();
      byte[] k = key(n, firstIp);
      int c;
      if (winner == null) c = -1;
      else if (w != bestWeight) c = w > bestWeight ? -1 : 1;
      else c = Arrays.compareUnsigned(k, bestKey);
      if (c < 0 || (c == 0 && n.compareTo(winner) < 0)) {
        winner = n;
        bestWeight = w;
        bestKey = k;
      }
    }
    return Optional.ofNullable(winner);
  }

  /** MetalLB's sort key: {@code sha256(node + "#" + ip)}. */
  static byte[] key(String node, String firstIp) {
    return Sha256.of(node + "#" + firstIp);
  }
}
