package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable set of non-overlapping pools, indexed so that "which pool holds this IP" is a
 * logarithmic lookup. Validation (see the config package) guarantees that ranges never overlap;
 * the constructor re-checks it because the allocator's uniqueness depends on it.
 */
public final class PoolSet {

  /** One range of one pool: the unit the allocator tracks usage in. */
  public record Slot(int id, IpPool pool, int rangeIndex, IpRange range) {}

  private final Map<String, IpPool> byName;
  private final TreeMap<IpAddress, Slot> byFirst = new TreeMap<>();
  private final List<Slot> slots = new ArrayList<>();

  public PoolSet(List<IpPool> pools) {
    Map<String, IpPool> names = new LinkedHashMap<>();
    for (IpPool p : pools) {
      if (names.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("duplicate pool " + p.name());
      }
      for (int i = 0; i < p.ranges().size(); i++) {
        IpRange r = p.ranges().get(i);
        Slot s = new Slot(slots.size(), p, i, r);
        var below = byFirst.floorEntry(r.last());
        if (below != null && below.getValue().range().overlaps(r)) {
          throw new IllegalArgumentException("range " + r + " of pool " + p.name() + " overlaps "
              + below.getValue().range() + " of pool " + below.getValue().pool().name());
        }
        byFirst.put(r.first(), s);
        slots.add(s);
      }
    }
    this.byName = Map.copyOf(names);
  }

  public static PoolSet of(IpPool... pools) {
    return new PoolSet(List.of(pools));
  }

  public Optional<IpPool> pool(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Pools sorted by name: the deterministic order used wherever MetalLB iterates a Go map. */
  public List<IpPool> pools() {
    return byName.values().stream().sorted(Comparator.comparing(IpPool::name)).toList();
  }

  public List<Slot> slots() {
    return List.copyOf(slots);
  }

  /** Slots of one pool, in the pool's declaration order. */
  public List<Slot> slotsOf(IpPool pool) {
    return slots.stream().filter(s -> s.pool().name().equals(pool.name())).toList();
  }

  /** The slot whose range holds {@code ip}, ignoring {@code avoidBuggyIPs}. */
  public Optional<Slot> slotFor(IpAddress ip) {
    var e = byFirst.floorEntry(ip);
    return e != null && e.getValue().range().contains(ip) ? Optional.of(e.getValue()) : Optional.empty();
  }

  /** The pool that may hand out {@code ip}, honouring {@code avoidBuggyIPs}. */
  public Optional<IpPool> poolFor(IpAddress ip) {
    return slotFor(ip).map(Slot::pool).filter(p -> p.contains(ip));
  }

  public int size() {
    return byName.size();
  }
}
