package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.AllocationResult.Assigned;
import io.herald.allocator.pool.AllocationResult.Change;
import io.herald.allocator.pool.AllocationResult.Failed;
import io.herald.allocator.pool.AllocationResult.NotHandled;
import io.herald.allocator.pool.PoolSet.Slot;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * MetalLB's address allocation as a pure, single-threaded state machine: the cluster's
 * IP-owning entities call it, and it never hands one address to two Services that may not share
 * it. Every decision is deterministic: pools are tried by priority then name, addresses in CIDR
 * order, and all internal maps are ordered.
 *
 * <p>Rules (MetalLB {@code controller/service.go} and {@code internal/allocator}):
 * <ol>
 *   <li>A Service keeps the addresses it holds (or had in status before a restart) while they stay
 *       valid: in one pool of the config, admitted by that pool, matching its families, its
 *       requested IPs and pool, and shareable with the other holders.</li>
 *   <li>Requested IPs ({@code loadBalancerIPs} annotation or {@code spec.loadBalancerIP}) are
 *       assigned exactly; {@code autoAssign} is ignored.</li>
 *   <li>Otherwise the {@code address-pool} annotation names the pool; {@code autoAssign} is ignored.</li>
 *   <li>Otherwise pools pinned to the Service by {@code serviceAllocation} are tried by priority,
 *       then unrestricted auto-assign pools. Both families always come from one pool.</li>
 * </ol>
 *
 * <p>Cost: no pool's addresses are ever enumerated. Used addresses are kept per range as maximal
 * runs ({@link UsedRuns}); finding the first free address is O(log n).
 */
public final class Allocator {

  private final Optional<String> loadBalancerClass;
  private PoolSet pools;
  private UsedRuns[] runs;
  private final Map<ServiceKey, Allocation> allocations = new TreeMap<>();
  private final Map<IpAddress, IpUse> uses = new HashMap<>();
  private final Map<String, TreeSet<IpAddress>> bySharingKey = new HashMap<>();

  /** Holders of one address: their common sharing key, and which ports each one uses. */
  private static final class IpUse {
    SharingKey key;
    final Map<ServicePort, ServiceKey> ports = new HashMap<>();
    final TreeSet<ServiceKey> services = new TreeSet<>();

    IpUse(SharingKey key) {
      this.key = key;
    }
  }

  /**
   * @param loadBalancerClass with a value, only Services of that class are handled (MetalLB
   *     {@code --lb-class}); empty, only Services without a class are handled.
   */
  public Allocator(PoolSet pools, Optional<String> loadBalancerClass) {
    this.loadBalancerClass = Objects.requireNonNull(loadBalancerClass);
    this.pools = Objects.requireNonNull(pools);
    this.runs = newRuns(pools);
  }

  public Allocator(PoolSet pools) {
    this(pools, Optional.empty());
  }

  private static UsedRuns[] newRuns(PoolSet pools) {
    List<Slot> slots = pools.slots();
    UsedRuns[] r = new UsedRuns[slots.size()];
    for (Slot s : slots) {
      r[s.id()] = new UsedRuns(s.range(), s.pool().avoidBuggyIPs());
    }
    return r;
  }

  public PoolSet pools() {
    return pools;
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration changes

  /** The outcome of {@link #setPools}. */
  public sealed interface PoolChange {
    record Applied() implements PoolChange {}

    /** The new pools cannot hold an address in use; the old pools stay in force. */
    record Refused(String message) implements PoolChange {}
  }

  /**
   * Replaces the pools if every address in use still lies in one of them; otherwise refuses and
   * keeps the old ones (MetalLB then marks the config stale). Addresses that are still in a pool
   * but no longer valid for their Service are re-checked by the next {@link #allocate} of that
   * Service, which clears and replaces them.
   */
  public PoolChange setPools(PoolSet newPools) {
    for (Allocation a : allocations.values()) {
      for (IpAddress ip : a.ips()) {
        if (newPools.poolFor(ip).isEmpty()) {
          return new PoolChange.Refused("new config not compatible with assigned IPs: service \""
              + a.service() + "\" cannot own \"" + ip + "\" under new config");
        }
      }
    }
    pools = newPools;
    runs = newRuns(newPools);
    for (IpAddress ip : new TreeSet<>(uses.keySet())) {
      runs[newPools.slotFor(ip).orElseThrow().id()].add(ip);
    }
    for (var e : allocations.entrySet()) {
      Allocation a = e.getValue();
      String pool = newPools.poolFor(a.ips().get(0)).orElseThrow().name();
      e.setValue(new Allocation(a.service(), pool, a.ips(), a.ports(), a.sharingKey()));
    }
    return new PoolChange.Applied();
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  public Optional<Allocation> allocation(ServiceKey service) {
    return Optional.ofNullable(allocations.get(service));
  }

  /** Every current allocation, ordered by Service. */
  public List<Allocation> allocations() {
    return List.copyOf(allocations.values());
  }

  /** The Services holding {@code ip}, ordered. */
  public List<ServiceKey> holders(IpAddress ip) {
    IpUse u = uses.get(ip);
    return u == null ? List.of() : List.copyOf(u.services);
  }

  public PoolUsage usage(String poolName) {
    IpPool pool = pools.pool(poolName).orElseThrow(() -> new IllegalArgumentException("unknown pool " + poolName));
    long v4 = 0;
    long v6 = 0;
    for (Slot s : pools.slotsOf(pool)) {
      if (s.range().family() == IpFamily.IPV4) {
        v4 += runs[s.id()].used();
      } else {
        v6 += runs[s.id()].used();
      }
    }
    return new PoolUsage(poolName, v4, v6,
        pool.capacity(IpFamily.IPV4).subtract(BigInteger.valueOf(v4)),
        pool.capacity(IpFamily.IPV6).subtract(BigInteger.valueOf(v6)));
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up, allocate, release

  /**
   * Start-up order: Services that already have addresses in status first (so nobody steals them),
   * then the rest; each group by key.
   */
  public List<AllocationResult> startUp(Collection<ServiceRequest> services) {
    List<ServiceRequest> ordered = new ArrayList<>(services);
    ordered.sort(Comparator.comparing((ServiceRequest s) -> s.statusIps().isEmpty()).thenComparing(ServiceRequest::key));
    List<AllocationResult> out = new ArrayList<>();
    for (ServiceRequest s : ordered) {
      out.add(allocate(s));
    }
    return out;
  }

  /** Frees whatever {@code service} holds. Returns false if it held nothing. */
  public boolean release(ServiceKey service) {
    Allocation a = allocations.remove(service);
    if (a == null) {
      return false;
    }
    for (IpAddress ip : a.ips()) {
      IpUse u = uses.get(ip);
      u.services.remove(service);
      u.ports.values().removeIf(service::equals);
      if (u.services.isEmpty()) {
        uses.remove(ip);
        runs[pools.slotFor(ip).orElseThrow().id()].remove(ip);
        if (u.key.allowsSharing()) {
          TreeSet<IpAddress> set = bySharingKey.get(u.key.sharing());
          set.remove(ip);
          if (set.isEmpty()) {
            bySharingKey.remove(u.key.sharing());
          }
        }
      }
    }
    return true;
  }

  /**
   * Converges one Service: keeps its addresses if still valid, otherwise (re)allocates. Call it on
   * every change of the Service and after every config change; it is idempotent.
   */
  public AllocationResult allocate(ServiceRequest svc) {
    ServiceKey key = svc.key();
    if (!svc.loadBalancerClass().equals(loadBalancerClass)) {
      release(key);
      return new NotHandled(key, "loadBalancerClass " + svc.loadBalancerClass().orElse("<none>")
          + " is not " + loadBalancerClass.orElse("<none>"));
    }
    Intent intent;
    try {
      intent = Intent.of(svc);
    } catch (IntentException e) {
      return new Failed(key, e.failure, Optional.empty());
    }

    Allocation held = allocations.get(key);
    List<IpAddress> current = held != null ? held.ips() : svc.statusIps();
    Optional<AllocationFailure> cleared = Optional.empty();
    if (!current.isEmpty()) {
      Validity v = validateCurrent(svc, intent, current);
      if (v.pool != null) {
        commit(svc, v.pool, current);
        Change change = held != null && held.ips().equals(current) ? Change.UNCHANGED
            : held == null && svc.statusIps().equals(current) ? Change.UNCHANGED : Change.ASSIGNED;
        return topUp(svc, intent, v.pool, current, change);
      }
      release(key);
      cleared = v.reportable;
    }

    Result r;
    if (!intent.requested.isEmpty()) {
      r = assignRequested(svc, intent);
    } else if (intent.pool.isPresent()) {
      r = fromNamedPool(svc, intent, intent.pool.get());
    } else {
      r = fromAutoPools(svc, intent);
    }
    if (r.failure != null) {
      // A Service that insists on the address it shares gets the more telling reason.
      boolean insisted = !intent.requested.isEmpty()
          && cleared.filter(AllocationFailure.CannotChangeSharingKey.class::isInstance).isPresent();
      return new Failed(key, insisted ? cleared.get() : r.failure, insisted ? Optional.empty() : cleared);
    }
    commit(svc, r.pool, r.ips);
    Change change = r.ips.equals(current) ? Change.UNCHANGED : Change.ASSIGNED;
    return new Assigned(key, r.pool.name(), r.ips, change, cleared, Optional.empty());
  }

  // ---------------------------------------------------------------------------------------------
  // What the Service asks for

  private static final class IntentException extends Exception {
    final transient AllocationFailure failure;

    IntentException(AllocationFailure failure) {
      super(failure.message(), null, false, false);
      this.failure = failure;
    }
  }

  /** The parsed request: exact IPs, a pool name, the families to hold, the sharing key. */
  private record Intent(List<IpAddress> requested, Optional<String> pool, List<IpFamily> families,
      boolean preferDual, SharingKey sharing) {

    static Intent of(ServiceRequest svc) throws IntentException {
      List<IpAddress> requested = requestedIps(svc);
      List<IpFamily> families = switch (svc.ipFamilyPolicy()) {
        case SINGLE_STACK -> List.of(svc.primaryFamily());
        case PREFER_DUAL_STACK -> distinct(svc.ipFamilies());
        case REQUIRE_DUAL_STACK -> {
          List<IpFamily> f = distinct(svc.ipFamilies());
          if (f.size() < 2) {
            throw new IntentException(new AllocationFailure.NotEnoughClusterIps(svc.ipFamilies()));
          }
          yield f;
        }
      };
      return new Intent(requested, Annotations.get(svc.annotations(), Annotations.ADDRESS_POOL),
          families, svc.ipFamilyPolicy() == IpFamilyPolicy.PREFER_DUAL_STACK, svc.sharingKey());
    }

    private static List<IpFamily> distinct(List<IpFamily> f) {
      return List.copyOf(new LinkedHashSet<>(f));
    }

    private static List<IpAddress> requestedIps(ServiceRequest svc) throws IntentException {
      Optional<String> annotation = Annotations.get(svc.annotations(), Annotations.LOAD_BALANCER_IPS);
      if (annotation.isPresent() && !svc.loadBalancerIP().isEmpty()) {
        throw new IntentException(new AllocationFailure.InvalidRequestedIps(
            "service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP"));
      }
      String text = annotation.orElse(svc.loadBalancerIP());
      if (text.isBlank()) {
        return List.of();
      }
      List<IpAddress> ips = new ArrayList<>();
      for (String part : text.split(",", -1)) {
        ips.add(IpAddress.parse(part.trim()).orElseThrow(() -> new IntentException(
            new AllocationFailure.InvalidRequestedIps("invalid IP \"" + part.trim() + "\""))));
      }
      if (ips.size() > 2 || (ips.size() == 2 && ips.get(0).family() == ips.get(1).family())) {
        throw new IntentException(new AllocationFailure.InvalidRequestedIps(
            "loadBalancerIPs must hold one IP, or two IPs of different families: " + text));
      }
      return List.copyOf(ips);
    }

    /** May the Service hold addresses of exactly these families? */
    boolean acceptsFamilies(List<IpAddress> ips, IpFamilyPolicy policy) {
      EnumSet<IpFamily> got = EnumSet.noneOf(IpFamily.class);
      for (IpAddress ip : ips) {
        if (!got.add(ip.family()) || !families.contains(ip.family())) {
          return false;
        }
      }
      return switch (policy) {
        case SINGLE_STACK, REQUIRE_DUAL_STACK -> got.size() == families.size();
        case PREFER_DUAL_STACK -> !got.isEmpty();
      };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keeping what the Service holds

  /** {@code pool} set when the current addresses may be kept; else {@code reportable} maybe says why. */
  private record Validity(IpPool pool, Optional<AllocationFailure> reportable) {}

  private Validity validateCurrent(ServiceRequest svc, Intent intent, List<IpAddress> current) {
    Validity silent = new Validity(null, Optional.empty());
    if (!intent.acceptsFamilies(current, svc.ipFamilyPolicy())) {
      return silent;
    }
    if (!intent.requested.isEmpty() && !Set.copyOf(intent.requested).equals(Set.copyOf(current))) {
      return silent;
    }
    Optional<IpPool> pool = samePool(current);
    if (pool.isEmpty()) {
      return new Validity(null, Optional.of(new AllocationFailure.NotAllowedInConfig(current)));
    }
    if (intent.pool.isPresent() && !intent.pool.get().equals(pool.get().name())) {
      return silent;
    }
    if (!admits(pool.get(), svc)) {
      return new Validity(null, Optional.of(new AllocationFailure.PoolNotCompatible(pool.get().name())));
    }
    for (IpAddress ip : current) {
      Optional<AllocationFailure> f = checkShare(svc, ip);
      if (f.isPresent()) {
        return new Validity(null, f);
      }
    }
    return new Validity(pool.get(), Optional.empty());
  }

  /** PreferDualStack with one family held: try to add the other from the same pool. */
  private AllocationResult topUp(ServiceRequest svc, Intent intent, IpPool pool, List<IpAddress> current,
      Change change) {
    Assigned kept = new Assigned(svc.key(), pool.name(), current, change, Optional.empty(), Optional.empty());
    if (!intent.preferDual || current.size() != 1 || intent.families.size() != 2 || !intent.requested.isEmpty()) {
      return kept;
    }
    IpFamily missing = current.get(0).family() == IpFamily.IPV4 ? IpFamily.IPV6 : IpFamily.IPV4;
    if (!pool.hasFamily(missing)) {
      return kept;
    }
    Optional<IpAddress> extra = pick(svc, pool, missing);
    if (extra.isEmpty()) {
      return new Assigned(svc.key(), pool.name(), current, change, Optional.empty(),
          Optional.of(new AllocationFailure.NoAvailableIpsInPool(pool.name())));
    }
    List<IpAddress> both = new ArrayList<>(current);
    both.add(extra.get());
    commit(svc, pool, both);
    return new Assigned(svc.key(), pool.name(), both, Change.ADDED_FAMILY, Optional.empty(), Optional.empty());
  }

  // ---------------------------------------------------------------------------------------------
  // Fresh allocation

  /** Either a pool and its addresses, or a failure. */
  private record Result(IpPool pool, List<IpAddress> ips, AllocationFailure failure) {
    static Result ok(IpPool pool, List<IpAddress> ips) {
      return new Result(pool, List.copyOf(ips), null);
    }

    static Result fail(AllocationFailure f) {
      return new Result(null, List.of(), f);
    }
  }

  private Result assignRequested(ServiceRequest svc, Intent intent) {
    List<IpAddress> ips = intent.requested;
    if (!intent.acceptsFamilies(ips, IpFamilyPolicy.PREFER_DUAL_STACK)
        || (svc.ipFamilyPolicy() == IpFamilyPolicy.REQUIRE_DUAL_STACK && ips.size() != 2)) {
      return Result.fail(new AllocationFailure.FamilyMismatch(ips));
    }
    Optional<IpPool> pool = samePool(ips);
    if (pool.isEmpty()) {
      return Result.fail(new AllocationFailure.NotAllowedInConfig(ips));
    }
    if (intent.pool.isPresent() && !intent.pool.get().equals(pool.get().name())) {
      return Result.fail(new AllocationFailure.NotInRequestedPool(ips, intent.pool.get()));
    }
    if (!admits(pool.get(), svc)) {
      return Result.fail(new AllocationFailure.PoolNotCompatible(pool.get().name()));
    }
    for (IpAddress ip : ips) {
      Optional<AllocationFailure> f = checkShare(svc, ip);
      if (f.isPresent()) {
        return Result.fail(f.get());
      }
    }
    return Result.ok(pool.get(), ips);
  }

  private Result fromNamedPool(ServiceRequest svc, Intent intent, String name) {
    Optional<IpPool> pool = pools.pool(name);
    if (pool.isEmpty()) {
      return Result.fail(new AllocationFailure.UnknownPool(name));
    }
    if (!admits(pool.get(), svc)) {
      return Result.fail(new AllocationFailure.PoolNotCompatible(name));
    }
    for (List<IpFamily> families : familyChoices(intent)) {
      if (families.stream().allMatch(pool.get()::hasFamily)) {
        Optional<List<IpAddress>> ips = pickAll(svc, pool.get(), families);
        return ips.map(l -> Result.ok(pool.get(), l))
            .orElseGet(() -> Result.fail(new AllocationFailure.NoAvailableIpsInPool(name)));
      }
    }
    return Result.fail(new AllocationFailure.NoAvailableIpsInPool(name));
  }

  private Result fromAutoPools(ServiceRequest svc, Intent intent) {
    List<IpPool> candidates = autoCandidates(svc);
    boolean anyPoolHasFamilies = false;
    for (List<IpFamily> families : familyChoices(intent)) {
      for (IpPool pool : candidates) {
        if (!families.stream().allMatch(pool::hasFamily)) {
          continue;
        }
        anyPoolHasFamilies = true;
        Optional<List<IpAddress>> ips = pickAll(svc, pool, families);
        if (ips.isPresent()) {
          return Result.ok(pool, ips.get());
        }
      }
    }
    if (!anyPoolHasFamilies && intent.families.size() == 1) {
      return Result.fail(new AllocationFailure.NoSuitablePool(intent.families.get(0)));
    }
    return Result.fail(new AllocationFailure.NoAvailableIps());
  }

  /** PreferDualStack tries both families first, then the primary alone. */
  private static List<List<IpFamily>> familyChoices(Intent intent) {
    if (intent.preferDual && intent.families.size() == 2) {
      return List.of(intent.families, List.of(intent.families.get(0)));
    }
    return List.of(intent.families);
  }

  /**
   * Pinned pools (auto-assign, with a {@code serviceAllocation} that matches) by priority then
   * name, then auto-assign pools without {@code serviceAllocation} by name. MetalLB breaks
   * priority ties at random; we break them by name so that every node computes the same answer.
   */
  private List<IpPool> autoCandidates(ServiceRequest svc) {
    List<IpPool> pinned = new ArrayList<>();
    List<IpPool> open = new ArrayList<>();
    for (IpPool p : pools.pools()) {
      if (!p.autoAssign()) {
        continue;
      }
      if (p.serviceAllocation().isEmpty()) {
        open.add(p);
      } else if (admits(p, svc)) {
        pinned.add(p);
      }
    }
    pinned.sort(Comparator.comparingLong((IpPool p) -> p.serviceAllocation().orElseThrow().rank())
        .thenComparing(IpPool::name));
    pinned.addAll(open);
    return pinned;
  }

  private Optional<List<IpAddress>> pickAll(ServiceRequest svc, IpPool pool, List<IpFamily> families) {
    List<IpAddress> out = new ArrayList<>();
    for (IpFamily f : families) {
      Optional<IpAddress> ip = pick(svc, pool, f);
      if (ip.isEmpty()) {
        return Optional.empty();
      }
      out.add(ip.get());
    }
    return Optional.of(out);
  }

  /**
   * The first address of {@code family} in CIDR order that is free or that this Service may share:
   * per range, the lower of the first free address and the first compatible address already
   * carrying the Service's sharing key.
   */
  private Optional<IpAddress> pick(ServiceRequest svc, IpPool pool, IpFamily family) {
    SharingKey key = svc.sharingKey();
    TreeSet<IpAddress> shared = key.allowsSharing() ? bySharingKey.get(key.sharing()) : null;
    for (Slot slot : pools.slotsOf(pool)) {
      if (slot.range().family() != family) {
        continue;
      }
      IpAddress free = runs[slot.id()].firstFree();
      IpAddress share = null;
      if (shared != null) {
        for (IpAddress ip : shared.subSet(slot.range().first(), true, slot.range().last(), true)) {
          if (free != null && ip.compareTo(free) > 0) {
            break;
          }
          if (pool.contains(ip) && checkShare(svc, ip).isEmpty()) {
            share = ip;
            break;
          }
        }
      }
      IpAddress best = share != null && (free == null || share.compareTo(free) < 0) ? share : free;
      if (best != null) {
        return Optional.of(best);
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------------------------------------
  // Shared helpers

  private boolean admits(IpPool pool, ServiceRequest svc) {
    return pool.admits(svc.key().namespace(), svc.namespaceLabels(), svc.labels());
  }

  /** The one pool holding all of {@code ips}, if there is one. */
  private Optional<IpPool> samePool(List<IpAddress> ips) {
    Optional<IpPool> first = pools.poolFor(ips.get(0));
    for (IpAddress ip : ips) {
      Optional<IpPool> p = pools.poolFor(ip);
      if (p.isEmpty() || !p.get().name().equals(first.get().name())) {
        return Optional.empty();
      }
    }
    return first;
  }

  /** May {@code svc} hold {@code ip} alongside its current holders? (MetalLB {@code sharingOK}.) */
  private Optional<AllocationFailure> checkShare(ServiceRequest svc, IpAddress ip) {
    IpUse u = uses.get(ip);
    if (u == null) {
      return Optional.empty();
    }
    List<ServiceKey> others = u.services.stream().filter(s -> !s.equals(svc.key())).toList();
    if (others.isEmpty()) {
      return Optional.empty();
    }
    SharingKey mine = svc.sharingKey();
    Optional<AllocationFailure> keyProblem = sharingProblem(u.key, mine);
    if (keyProblem.isPresent()) {
      return u.services.contains(svc.key())
          ? Optional.of(new AllocationFailure.CannotChangeSharingKey(svc.key(), others))
          : keyProblem;
    }
    for (ServicePort port : svc.ports()) {
      ServiceKey owner = u.ports.get(port);
      if (owner != null && !owner.equals(svc.key())) {
        return Optional.of(new AllocationFailure.PortInUse(port, ip));
      }
    }
    return Optional.empty();
  }

  private static Optional<AllocationFailure> sharingProblem(SharingKey existing, SharingKey requested) {
    if (!existing.allowsSharing()) {
      return Optional.of(new AllocationFailure.SharingNotAllowed(true));
    }
    if (!requested.allowsSharing()) {
      return Optional.of(new AllocationFailure.SharingNotAllowed(false));
    }
    if (!existing.sharing().equals(requested.sharing())) {
      return Optional.of(new AllocationFailure.SharingKeyMismatch(requested.sharing(), existing.sharing()));
    }
    if (!existing.backend().equals(requested.backend())) {
      return Optional.of(new AllocationFailure.BackendKeyMismatch(requested.backend(), existing.backend()));
    }
    return Optional.empty();
  }

  /** Records the allocation. Callers have checked every address with {@link #checkShare}. */
  private void commit(ServiceRequest svc, IpPool pool, List<IpAddress> ips) {
    release(svc.key());
    SharingKey key = svc.sharingKey();
    for (IpAddress ip : ips) {
      IpUse u = uses.get(ip);
      if (u == null) {
        u = new IpUse(key);
        uses.put(ip, u);
        runs[pools.slotFor(ip).orElseThrow().id()].add(ip);
        if (key.allowsSharing()) {
          bySharingKey.computeIfAbsent(key.sharing(), k -> new TreeSet<>()).add(ip);
        }
      }
      for (ServicePort port : svc.ports()) {
        u.ports.put(port, svc.key());
      }
      u.services.add(svc.key());
    }
    allocations.put(svc.key(), new Allocation(svc.key(), pool.name(), ips, svc.ports(), key));
  }
}
