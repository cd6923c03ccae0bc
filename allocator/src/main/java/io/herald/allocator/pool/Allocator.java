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
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * runs ({@link UsedRuns}); finding the first free address is O(log n). Services and addresses are
 * hashed, not sorted, so one allocation or release is O(log n) in the addresses in use plus the
 * pools it has to try; only {@link #allocations()} and {@link #setPools} walk every allocation.
 * Looking for an address to share also visits the addresses carrying the Service's own sharing key
 * that refuse it (a port clash), below the first free address.
 */
public final class Allocator {

  private final Optional<String> loadBalancerClass;
  private PoolSet pools;
  private UsedRuns[] runs;
  private final Map<ServiceKey, Allocation> allocations = new HashMap<>();
  /**
   * Holders of each address in use, sorted. Nearly every address has one holder, so this is an
   * array rather than a set. Holders of one address carry equal sharing keys (sharing is refused
   * otherwise), so the address's key and the ports in use on it are read from their
   * {@link Allocation}s.
   */
  private final Map<IpAddress, ServiceKey[]> uses = new HashMap<>();
  /** Shareable addresses by their holders' key, ordered so {@link #pick} finds the lowest. */
  private final Map<SharingKey, TreeSet<IpAddress>> bySharingKey = new HashMap<>();

  private static boolean holds(ServiceKey[] holders, ServiceKey s) {
    for (ServiceKey h : holders) {
      if (h.equals(s)) {
        return true;
      }
    }
    return false;
  }

  /** {@code holders} with {@code s} inserted in order. */
  private static ServiceKey[] with(ServiceKey[] holders, ServiceKey s) {
    if (holds(holders, s)) {
      return holders;
    }
    ServiceKey[] next = new ServiceKey[holders.length + 1];
    int i = 0;
    for (; i < holders.length && holders[i].compareTo(s) < 0; i++) {
      next[i] = holders[i];
    }
    next[i] = s;
    System.arraycopy(holders, i, next, i + 1, holders.length - i);
    return next;
  }

  private static ServiceKey[] without(ServiceKey[] holders, ServiceKey s) {
    int n = 0;
    ServiceKey[] next = new ServiceKey[holders.length];
    for (ServiceKey h : holders) {
      if (!h.equals(s)) {
        next[n++] = h;
      }
    }
    return n == next.length ? holders : Arrays.copyOf(next, n);
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
   * keeps the old ones (MetalLB then marks the config stale), naming the first Service in key
   * order that would lose its address. Addresses that are still in a pool but no longer valid for
   * their Service are re-checked by the next {@link #allocate} of that Service, which clears and
   * replaces them.
   */
  public PoolChange setPools(PoolSet newPools) {
    Allocation refused = null;
    IpAddress refusedIp = null;
    for (Allocation a : allocations.values()) {
      if (refused != null && a.service().compareTo(refused.service()) > 0) {
        continue;
      }
      for (IpAddress ip : a.ips()) {
        if (newPools.poolOrNull(ip) == null) {
          refused = a;
          refusedIp = ip;
          break;
        }
      }
    }
    if (refused != null) {
      return new PoolChange.Refused("new config not compatible with assigned IPs: service \""
          + refused.service() + "\" cannot own \"" + refusedIp + "\" under new config");
    }
    pools = newPools;
    runs = newRuns(newPools);
    for (IpAddress ip : uses.keySet()) {
      runs[newPools.slotOrNull(ip).id()].add(ip);
    }
    for (var e : allocations.entrySet()) {
      Allocation a = e.getValue();
      String pool = newPools.poolOrNull(a.ips().get(0)).name();
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
    Allocation[] all = allocations.values().toArray(Allocation[]::new);
    Arrays.sort(all, Comparator.comparing(Allocation::service));
    return List.of(all);
  }

  /** The Services holding {@code ip}, ordered. */
  public List<ServiceKey> holders(IpAddress ip) {
    ServiceKey[] holders = uses.get(ip);
    return holders == null ? List.of() : List.of(holders);
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
        pools.capacity(poolName, IpFamily.IPV4).subtract(BigInteger.valueOf(v4)),
        pools.capacity(poolName, IpFamily.IPV6).subtract(BigInteger.valueOf(v6)));
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up, allocate, release

  /**
   * The start-up order: Services that already have addresses in status first (so nobody steals
   * them), then the rest; each group by key. Deciding a list in this order a part at a time, each
   * part after the one before, decides as {@link #startUp} does with the whole list.
   */
  public static final Comparator<ServiceRequest> START_UP_ORDER =
      Comparator.comparing((ServiceRequest s) -> s.statusIps().isEmpty()).thenComparing(ServiceRequest::key);

  /** Converges {@code services} in {@link #START_UP_ORDER}. */
  public List<AllocationResult> startUp(Collection<ServiceRequest> services) {
    List<ServiceRequest> ordered = new ArrayList<>(services);
    ordered.sort(START_UP_ORDER);
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
    SharingKey key = a.sharingKey();
    for (IpAddress ip : a.ips()) {
      ServiceKey[] rest = without(uses.get(ip), service);
      if (rest.length > 0) {
        uses.put(ip, rest);
        continue;
      }
      uses.remove(ip);
      runs[pools.slotOrNull(ip).id()].remove(ip);
      if (key.allowsSharing()) {
        TreeSet<IpAddress> set = bySharingKey.get(key);
        set.remove(ip);
        if (set.isEmpty()) {
          bySharingKey.remove(key);
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
    AllocationFailure cleared = null;
    if (!current.isEmpty()) {
      Validity v = validateCurrent(svc, intent, current);
      if (v.pool != null) {
        commit(svc, intent, v.pool, current);
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
      boolean insisted = !intent.requested.isEmpty() && cleared instanceof AllocationFailure.CannotChangeSharingKey;
      return new Failed(key, insisted ? cleared : r.failure, insisted ? Optional.empty() : Optional.ofNullable(cleared));
    }
    commit(svc, intent, r.pool, r.ips);
    Change change = r.ips.equals(current) ? Change.UNCHANGED : Change.ASSIGNED;
    return new Assigned(key, r.pool.name(), r.ips, change, Optional.ofNullable(cleared), Optional.empty());
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

  /**
   * The parsed request: exact IPs, a pool name, the families to hold (and the family sets to try,
   * in order), the sharing key. Built once per call so that nothing below re-reads annotations.
   */
  private record Intent(List<IpAddress> requested, Optional<String> pool, List<IpFamily> families,
      boolean preferDual, List<List<IpFamily>> familyChoices, SharingKey sharing) {

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
      boolean preferDual = svc.ipFamilyPolicy() == IpFamilyPolicy.PREFER_DUAL_STACK;
      // PreferDualStack tries both families first, then the primary alone.
      List<List<IpFamily>> choices = preferDual && families.size() == 2
          ? List.of(families, List.of(families.get(0))) : List.of(families);
      return new Intent(requested, Annotations.get(svc.annotations(), Annotations.ADDRESS_POOL),
          families, preferDual, choices, svc.sharingKey());
    }

    private static List<IpFamily> distinct(List<IpFamily> f) {
      if (f.size() == 1 || (f.size() == 2 && f.get(0) != f.get(1))) {
        return f; // already immutable: ServiceRequest copies it
      }
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
      boolean v4 = false;
      boolean v6 = false;
      for (IpAddress ip : ips) {
        boolean seen = ip.isV4() ? v4 : v6;
        if (seen || !families.contains(ip.family())) {
          return false;
        }
        if (ip.isV4()) {
          v4 = true;
        } else {
          v6 = true;
        }
      }
      int got = (v4 ? 1 : 0) + (v6 ? 1 : 0);
      return switch (policy) {
        case SINGLE_STACK, REQUIRE_DUAL_STACK -> got == families.size();
        case PREFER_DUAL_STACK -> got > 0;
      };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keeping what the Service holds

  /** {@code pool} set when the current addresses may be kept; else {@code reportable}, if not null, says why. */
  private record Validity(IpPool pool, AllocationFailure reportable) {
    static final Validity SILENT = new Validity(null, null);
  }

  private Validity validateCurrent(ServiceRequest svc, Intent intent, List<IpAddress> current) {
    if (!intent.acceptsFamilies(current, svc.ipFamilyPolicy())) {
      return Validity.SILENT;
    }
    if (!intent.requested.isEmpty() && !Set.copyOf(intent.requested).equals(Set.copyOf(current))) {
      return Validity.SILENT;
    }
    IpPool pool = samePool(current);
    if (pool == null) {
      return new Validity(null, new AllocationFailure.NotAllowedInConfig(current));
    }
    if (intent.pool.isPresent() && !intent.pool.get().equals(pool.name())) {
      return Validity.SILENT;
    }
    if (!admits(pool, svc)) {
      return new Validity(null, new AllocationFailure.PoolNotCompatible(pool.name()));
    }
    for (IpAddress ip : current) {
      AllocationFailure f = checkShare(svc, intent, ip);
      if (f != null) {
        return new Validity(null, f);
      }
    }
    return new Validity(pool, null);
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
    IpAddress extra = pick(svc, intent, pool, missing);
    if (extra == null) {
      return new Assigned(svc.key(), pool.name(), current, change, Optional.empty(),
          Optional.of(new AllocationFailure.NoAvailableIpsInPool(pool.name())));
    }
    List<IpAddress> both = List.of(current.get(0), extra);
    commit(svc, intent, pool, both);
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
    IpPool pool = samePool(ips);
    if (pool == null) {
      return Result.fail(new AllocationFailure.NotAllowedInConfig(ips));
    }
    if (intent.pool.isPresent() && !intent.pool.get().equals(pool.name())) {
      return Result.fail(new AllocationFailure.NotInRequestedPool(ips, intent.pool.get()));
    }
    if (!admits(pool, svc)) {
      return Result.fail(new AllocationFailure.PoolNotCompatible(pool.name()));
    }
    for (IpAddress ip : ips) {
      AllocationFailure f = checkShare(svc, intent, ip);
      if (f != null) {
        return Result.fail(f);
      }
    }
    return Result.ok(pool, ips);
  }

  private Result fromNamedPool(ServiceRequest svc, Intent intent, String name) {
    Optional<IpPool> pool = pools.pool(name);
    if (pool.isEmpty()) {
      return Result.fail(new AllocationFailure.UnknownPool(name));
    }
    if (!admits(pool.get(), svc)) {
      return Result.fail(new AllocationFailure.PoolNotCompatible(name));
    }
    for (List<IpFamily> families : intent.familyChoices) {
      if (hasAll(pool.get(), families)) {
        List<IpAddress> ips = pickAll(svc, intent, pool.get(), families);
        return ips != null ? Result.ok(pool.get(), ips) : Result.fail(new AllocationFailure.NoAvailableIpsInPool(name));
      }
    }
    return Result.fail(new AllocationFailure.NoAvailableIpsInPool(name));
  }

  /**
   * Auto-assign pools in {@link PoolSet#autoAssignOrder()}: those pinned to the Service by a
   * matching {@code serviceAllocation} by priority, then the unrestricted ones.
   */
  private Result fromAutoPools(ServiceRequest svc, Intent intent) {
    boolean anyPoolHasFamilies = false;
    for (List<IpFamily> families : intent.familyChoices) {
      for (IpPool pool : pools.autoAssignOrder()) {
        if (!hasAll(pool, families) || !admits(pool, svc)) {
          continue;
        }
        anyPoolHasFamilies = true;
        List<IpAddress> ips = pickAll(svc, intent, pool, families);
        if (ips != null) {
          return Result.ok(pool, ips);
        }
      }
    }
    if (!anyPoolHasFamilies && intent.families.size() == 1) {
      return Result.fail(new AllocationFailure.NoSuitablePool(intent.families.get(0)));
    }
    return Result.fail(new AllocationFailure.NoAvailableIps());
  }

  private static boolean hasAll(IpPool pool, List<IpFamily> families) {
    for (IpFamily f : families) {
      if (!pool.hasFamily(f)) {
        return false;
      }
    }
    return true;
  }

  /** One address per family from {@code pool}, or null if one family has none left. */
  private List<IpAddress> pickAll(ServiceRequest svc, Intent intent, IpPool pool, List<IpFamily> families) {
    IpAddress first = pick(svc, intent, pool, families.get(0));
    if (first == null || families.size() == 1) {
      return first == null ? null : List.of(first);
    }
    IpAddress second = pick(svc, intent, pool, families.get(1));
    return second == null ? null : List.of(first, second);
  }

  /**
   * The first address of {@code family} in CIDR order that is free or that this Service may share,
   * or null: per range, the lower of the first free address and the first compatible address
   * already carrying the Service's sharing key.
   */
  private IpAddress pick(ServiceRequest svc, Intent intent, IpPool pool, IpFamily family) {
    TreeSet<IpAddress> shared = intent.sharing.allowsSharing() ? bySharingKey.get(intent.sharing) : null;
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
          if (pool.contains(ip) && checkShare(svc, intent, ip) == null) {
            share = ip;
            break;
          }
        }
      }
      IpAddress best = share != null && (free == null || share.compareTo(free) < 0) ? share : free;
      if (best != null) {
        return best;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Shared helpers

  private boolean admits(IpPool pool, ServiceRequest svc) {
    return pool.admits(svc.key().namespace(), svc.namespaceLabels(), svc.labels());
  }

  /** The one pool holding all of {@code ips}, or null. */
  private IpPool samePool(List<IpAddress> ips) {
    IpPool first = pools.poolOrNull(ips.get(0));
    if (first == null) {
      return null;
    }
    for (int i = 1; i < ips.size(); i++) {
      IpPool p = pools.poolOrNull(ips.get(i));
      if (p == null || !p.name().equals(first.name())) {
        return null;
      }
    }
    return first;
  }

  /**
   * Why {@code svc} may not hold {@code ip} alongside its current holders, or null if it may
   * (MetalLB {@code sharingOK}).
   */
  private AllocationFailure checkShare(ServiceRequest svc, Intent intent, IpAddress ip) {
    ServiceKey[] holders = uses.get(ip);
    if (holders == null) {
      return null;
    }
    boolean mine = holds(holders, svc.key());
    if (holders.length == (mine ? 1 : 0)) {
      return null;
    }
    ServiceKey first = holders[0].equals(svc.key()) ? holders[1] : holders[0];
    AllocationFailure keyProblem = sharingProblem(allocations.get(first).sharingKey(), intent.sharing);
    if (keyProblem != null) {
      return mine ? new AllocationFailure.CannotChangeSharingKey(svc.key(), List.of(without(holders, svc.key())))
          : keyProblem;
    }
    for (ServicePort port : svc.ports()) {
      for (ServiceKey other : holders) {
        if (!other.equals(svc.key()) && allocations.get(other).ports().contains(port)) {
          return new AllocationFailure.PortInUse(port, ip);
        }
      }
    }
    return null;
  }

  private static AllocationFailure sharingProblem(SharingKey existing, SharingKey requested) {
    if (!existing.allowsSharing()) {
      return new AllocationFailure.SharingNotAllowed(true);
    }
    if (!requested.allowsSharing()) {
      return new AllocationFailure.SharingNotAllowed(false);
    }
    if (!existing.sharing().equals(requested.sharing())) {
      return new AllocationFailure.SharingKeyMismatch(requested.sharing(), existing.sharing());
    }
    if (!existing.backend().equals(requested.backend())) {
      return new AllocationFailure.BackendKeyMismatch(requested.backend(), existing.backend());
    }
    return null;
  }

  /**
   * Records the allocation. Callers have checked every address with {@link #checkShare}. Keeping
   * an allocation exactly as it is, the common case on a resync, touches nothing.
   */
  private void commit(ServiceRequest svc, Intent intent, IpPool pool, List<IpAddress> ips) {
    ServiceKey service = svc.key();
    Allocation next = new Allocation(service, pool.name(), ips, svc.ports(), intent.sharing);
    if (next.equals(allocations.get(service))) {
      return;
    }
    release(service);
    for (IpAddress ip : ips) {
      ServiceKey[] holders = uses.get(ip);
      if (holders != null) {
        uses.put(ip, with(holders, service));
        continue;
      }
      uses.put(ip, new ServiceKey[] {service});
      runs[pools.slotOrNull(ip).id()].add(ip);
      if (intent.sharing.allowsSharing()) {
        bySharingKey.computeIfAbsent(intent.sharing, k -> new TreeSet<>()).add(ip);
      }
    }
    allocations.put(service, next);
  }
}
