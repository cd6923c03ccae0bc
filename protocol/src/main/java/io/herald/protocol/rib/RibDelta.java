package io.herald.protocol.rib;

import io.herald.protocol.types.Prefix;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of changes to send to a peer: prefixes to withdraw, and prefixes to announce grouped
 * by their (interned) attribute set, so that each group packs into as few UPDATEs as the message
 * size allows. Both families may appear; the packer puts IPv4 into the UPDATE's own fields and
 * IPv6 into MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760).
 *
 * @param withdrawn prefixes the peer must forget
 * @param announced attribute set → prefixes to announce with it; keys are distinct
 */
public record RibDelta(List<Prefix> withdrawn, Map<PathAttributes, List<Prefix>> announced) {
  public static final RibDelta EMPTY = new RibDelta(List.of(), Map.of());

  public RibDelta {
    withdrawn = List.copyOf(withdrawn);
    Map<PathAttributes, List<Prefix>> copy = new LinkedHashMap<>();
    announced.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    announced = Collections.unmodifiableMap(copy);
  }

  public boolean isEmpty() {
    return withdrawn.isEmpty() && announced.isEmpty();
  }

  /** Prefixes in this delta, withdrawn plus announced. */
  public int size() {
    int n = withdrawn.size();
    for (List<Prefix> l : announced.values()) {
      n += l.size();
    }
    return n;
  }
}
