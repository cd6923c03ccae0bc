package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.ip.IpRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable set of non-overlapping pools, indexed so that "which pool holds this IP" is a
 * logarithmic lookup. Validation (see the config package) guarantees that ranges never overlap;
 * the constructor re-checks it because the allocator's uniqueness depends on it.
 *
 * <p>Everything the allocator asks on every call (pools by name, a pool's slots, the auto-assign
 * order) is computed once here, so that one allocation costs no sorting and no scan over pools.
 */
public final class PoolSet {

  /** One range of one pool: the unit the allocator tracks usage in. */
  public record Slot(int id, IpPool pool, int rangeIndex, IpRange range) {}

  private final Map<String, IpPool> byName;
  private final TreeMap<IpAddress, Slot> byFirst = new TreeMap<>();
  private final List<Slot> slots;
  private final Map<String, List<Slot>> slotsByPool;
  private final List<IpPool> sortedByName;
  private final List<IpPool> autoAssignOrder;
  /** Per pool, its IPv4 and IPv6 capacity: exact, so BigInteger, and so worth computing once. */
  private final Map<String, BigInteger[]> capacities;

  public PoolSet(List<IpPool> pools) {
    Map<String, IpPool> names = new LinkedHashMap<>();
    List<Slot> all = new ArrayList<>();
    Map<String, List<Slot>> perPool = new HashMap<>();
    for (IpPool p : pools) {
      if (names.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("duplicate pool " + p.name());
      }
      List<Slot> own = new ArrayList<>();
      for (int i = 0; i < p.ranges().size(); i++) {
        IpRange r = p.ranges().get(i);
        Slot s = new Slot(all.size(), p, i, r);
        var below = byFirst.floorEntry(r.last());
        if (below != null && below.getValue().range().overlaps(r)) {
          throw new IllegalArgumentException("range " + r + " of pool " + p.name() + " overlaps "
              + below.getValue().range() + " of pool " + below.getValue().pool().name());
        }
        byFirst.put(r.first(), s);
        all.add(s);
        own.add(s);
      }
      perPool.put(p.name(), List.copyOf(own));
    }
    this.byName = Map.copyOf(names);
    this.slots = List.copyOf(all);
    this.slotsByPool = Map.copyOf(perPool);
    this.sortedByName = names.values().stream().sorted(Comparator.comparing(IpPool::name)).toList();
    this.autoAssignOrder = autoAssignOrder(sortedByName);
    Map<String, BigInteger[]> caps = new HashMap<>();
    for (IpPool p : names.values()) {
      caps.put(p.name(), new BigInteger[] {p.capacity(IpFamily.IPV4), p.capacity(IpFamily.IPV6)});
    }
    this.capacities = Map.copyOf(caps);
  }

  /**
   * Auto-assign pools with a {@code serviceAllocation} by priority then name, then those without
   * one by name. MetalLB breaks priority ties at random; we break them by name so that every node
   * computes the same answer.
   */
  private static List<IpPool> autoAssignOrder(List<IpPool> byName) {
    List<IpPool> pinned = new ArrayList<>();
    List<IpPool> open = new ArrayList<>();
    for (IpPool p : byName) {
      if (p.autoAssign()) {
        (p.serviceAllocation().isPresent() ? pinned : open).add(p);
      }
    }
    pinned.sort(Comparator.comparingLong((IpPool p) -> p.serviceAllocation().orElseThrow().rank())
        .thenComparing(IpPool::name));
    pinned.addAll(open);
    return List.copyOf(pinned);
  }

  public static PoolSet of(IpPool... pools) {
    return new PoolSet(List.of(pools));
  }

  public Optional<IpPool> pool(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Pools sorted by name: the deterministic order used wherever MetalLB iterates a Go map. */
  public List<IpPool> pools() {
    return sortedByName;
  }

  /**
   * The auto-assign pools in the order the allocator tries them; a pool with a
   * {@code serviceAllocation} is still to be checked against the Service.
   */
  List<IpPool> autoAssignOrder() {
    return autoAssignOrder;
  }

  public List<Slot> slots() {
    return slots;
  }

  /** Slots of one pool, in the pool's declaration order. */
  public List<Slot> slotsOf(IpPool pool) {
    return slotsByPool.getOrDefault(pool.name(), List.of());
  }

  /** The slot whose range holds {@code ip}, ignoring {@code avoidBuggyIPs}. */
  public Optional<Slot> slotFor(IpAddress ip) {
    return Optional.ofNullable(slotOrNull(ip));
  }

  Slot slotOrNull(IpAddress ip) {
    var e = byFirst.floorEntry(ip);
    return e != null && e.getValue().range().contains(ip) ? e.getValue() : null;
  }

  /** The pool that may hand out {@code ip}, honouring {@code avoidBuggyIPs}. */
  public Optional<IpPool> poolFor(IpAddress ip) {
    return Optional.ofNullable(poolOrNull(ip));
  }

  /** As {@link #poolFor}: ranges never overlap, so the slot's range is the only one to check. */
  IpPool poolOrNull(IpAddress ip) {
    Slot s = slotOrNull(ip);
    return s == null || (s.pool().avoidBuggyIPs() && ip.confusesBuggyFirmware()) ? null : s.pool();
  }

  /** {@link IpPool#capacity} of the pool named {@code name}, which must be in this set. */
  BigInteger capacity(String name, IpFamily family) {
    return capacities.get(name)[family == IpFamily.IPV4 ? 0 : 1];
  }

  public int size() {
    return byName.size();
  }
}
