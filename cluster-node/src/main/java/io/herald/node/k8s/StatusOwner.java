package io.herald.node.k8s;

import io.herald.allocator.pool.ServiceKey;
import io.herald.k8s.decision.Sha256;
import java.util.Collection;
import java.util.Optional;

/**
 * Which cluster member writes a Service's status and controller Events: rendezvous (highest
 * random weight) hashing of the Service key over the members. Every node computes the same owner
 * from the same member set, and a member joining or leaving moves only the Services it wins or
 * held. Pure.
 */
public final class StatusOwner {

  private StatusOwner() {}

  /** The owner of {@code key} among {@code members} (any stable member identity); empty if none. */
  public static Optional<String> owner(ServiceKey key, Collection<String> members) {
    // One member wins every Service; no hash needed (a node alone, and every start-up's first seconds).
    if (members.size() == 1) return Optional.of(members.iterator().next());
    String best = null;
    long bestWeight = 0;
    for (String m : members) {
      long w = weight(key + "|" + m);
      // Ties (practically impossible) go to the smaller name, so all nodes still agree.
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0
          || (w == bestWeight && m.compareTo(best) < 0)) {
        best = m;
        bestWeight = w;
      }
    }
    return Optional.ofNullable(best);
  }

  private static long weight(String s) {
    byte[] d = Sha256.of(s);
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
    return v;
  }
}
