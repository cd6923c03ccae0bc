package io.herald.allocator.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long random sequences of Service creates, updates and deletes, and pool changes, checking after
 * every step that no address is held by two Services that may not share it, that every held
 * address lies in a pool the Service may use, and that a step on one Service leaves every other
 * Service's allocation alone. Seeded: a failure names its seed and step.
 *
 * <p>The checks are incremental: a step that touches one Service is checked against the
 * allocations before it (everything else must be unchanged, so everything else still holds); a
 * pool change, which may touch every Service, is checked from scratch. Each seed runs twice; the
 * second run must reproduce the first allocations step for step.
 */
class AllocatorRandomizedTest {

  private static final int STEPS = 600;
  private static final List<String> NAMESPACES = List.of("a", "b", "c");

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void invariantsHoldAfterEveryStep(long seed) {
    List<List<Allocation>> first = run(seed, null);
    assertThat(first).hasSize(STEPS);
    run(seed, first);
  }

  /**
   * Runs one seed and returns the allocations after each step. With {@code replay}, each step
   * must give the allocations {@code replay} recorded; the invariants that are functions of the
   * allocations, the live Services and the pools (all three then equal the checked run's) are not
   * recomputed, only the allocator's own indexes are.
   */
  private List<List<Allocation>> run(long seed, List<List<Allocation>> replay) {
    Random rnd = new Random(seed);
    Allocator allocator = new Allocator(randomPools(rnd, 0));
    Map<ServiceKey, ServiceRequest> live = new TreeMap<>();
    Map<ServiceKey, Allocation> before = Map.of();
    List<List<Allocation>> trace = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      String where = "seed " + seed + " step " + step;
      ServiceKey touched = null;
      boolean repooled = false;
      int op = rnd.nextInt(100);
      if (op < 5) {
        PoolSet next = randomPools(rnd, step);
        if (allocator.setPools(next) instanceof Allocator.PoolChange.Applied) {
          repooled = true;
          for (ServiceRequest s : live.values()) {
            check(allocator, s, allocator.allocate(s), where + " resync");
          }
        }
      } else if (op < 20 && !live.isEmpty()) {
        ServiceKey victim = new ArrayList<>(live.keySet()).get(rnd.nextInt(live.size()));
        allocator.release(victim);
        live.remove(victim);
        touched = victim;
      } else if (op < 30 && !live.isEmpty()) {
        ServiceRequest same = new ArrayList<>(live.values()).get(rnd.nextInt(live.size()));
        Optional<Allocation> held = allocator.allocation(same.key());
        AllocationResult r = allocator.allocate(same);
        check(allocator, same, r, where);
        if (held.isPresent()) {
          // Kept; PreferDualStack may have added the missing family.
          List<IpAddress> after = allocator.allocation(same.key()).map(Allocation::ips).orElse(List.of());
          require(after.containsAll(held.get().ips()), () -> where + ": unchanged Service lost its IPs");
        }
        touched = same.key();
      } else {
        ServiceRequest s = randomService(rnd, allocator);
        live.put(s.key(), s);
        check(allocator, s, allocator.allocate(s), where);
        touched = s.key();
      }
      List<Allocation> now = allocator.allocations();
      trace.add(now);
      Map<IpAddress, List<Allocation>> byIp = byIp(now);
      checkIndexes(allocator, now, byIp, where);
      if (replay != null) {
        List<Allocation> expected = replay.get(step);
        require(now.equals(expected), () -> where + ": replay differs: " + now + " vs " + expected);
        continue;
      }
      Map<ServiceKey, Allocation> byService = new HashMap<>();
      for (Allocation al : now) {
        byService.put(al.service(), al);
      }
      if (repooled) {
        // A pool change may touch every Service: check them all.
        for (Allocation al : now) {
          checkAllocation(allocator, live, al, where);
        }
        for (var e : byIp.entrySet()) {
          List<Allocation> holders = e.getValue();
          for (int i = 0; i < holders.size(); i++) {
            for (int j = i + 1; j < holders.size(); j++) {
              checkPair(live, holders.get(i), holders.get(j), e.getKey(), where);
            }
          }
        }
      } else {
        // One Service touched (or none, for a refused pool change): nobody else may have moved.
        String stepOn = touched == null ? "a refused pool change" : "a step on " + touched;
        for (var e : before.entrySet()) {
          if (!e.getKey().equals(touched)) {
            Allocation was = e.getValue();
            require(was.equals(byService.get(e.getKey())), () -> where + ": " + was + " changed by " + stepOn);
          }
        }
        int untouchedNow = byService.size() - (byService.containsKey(touched) ? 1 : 0);
        int untouchedBefore = before.size() - (before.containsKey(touched) ? 1 : 0);
        require(untouchedNow == untouchedBefore, () -> where + ": a Service appeared without a step on it");
        Allocation mine = byService.get(touched);
        if (mine != null) {
          checkAllocation(allocator, live, mine, where);
          for (IpAddress ip : mine.ips()) {
            for (Allocation other : byIp.get(ip)) {
              if (other != mine) {
                checkPair(live, mine, other, ip, where);
              }
            }
          }
        }
      }
      before = byService;
    }
    return trace;
  }

  private static void check(Allocator a, ServiceRequest s, AllocationResult r, String where) {
    Optional<Allocation> held = a.allocation(s.key());
    if (r instanceof AllocationResult.Assigned as) {
      require(held.map(Allocation::ips).equals(Optional.of(as.ips())), () -> where + ": result differs from state");
    } else {
      require(held.isEmpty(), () -> where + ": a refused Service holds nothing: " + r);
    }
  }

  private static Map<IpAddress, List<Allocation>> byIp(List<Allocation> allocations) {
    Map<IpAddress, List<Allocation>> byIp = new HashMap<>();
    for (Allocation al : allocations) {
      for (IpAddress ip : al.ips()) {
        byIp.computeIfAbsent(ip, k -> new ArrayList<>(2)).add(al);
      }
    }
    return byIp;
  }

  /** The allocator's holder index and usage counters agree with its allocations. */
  private static void checkIndexes(Allocator a, List<Allocation> now, Map<IpAddress, List<Allocation>> byIp,
      String where) {
    Map<String, Integer> perPool = new HashMap<>();
    for (var e : byIp.entrySet()) {
      List<ServiceKey> holders = new ArrayList<>();
      for (Allocation al : e.getValue()) {
        holders.add(al.service());
      }
      require(a.holders(e.getKey()).equals(holders), () -> where + ": holder index out of step at " + e.getKey());
      perPool.merge(e.getValue().get(0).pool(), 1, Integer::sum);
    }
    for (IpPool p : a.pools().pools()) {
      PoolUsage u = a.usage(p.name());
      int held = perPool.getOrDefault(p.name(), 0);
      require(u.assignedIPv4() + u.assignedIPv6() == held, () -> where + ": usage of " + p.name());
    }
  }

  /** One allocation against its live Service and the pools. */
  private static void checkAllocation(Allocator a, Map<ServiceKey, ServiceRequest> live, Allocation al, String where) {
    ServiceRequest s = live.get(al.service());
    require(s != null, () -> where + ": " + al + " held by a deleted Service");
    IpPool pool = a.pools().pool(al.pool()).orElseThrow();
    require(pool.admits(s.key().namespace(), s.namespaceLabels(), s.labels()),
        () -> where + ": pool does not admit " + al);
    Optional<String> asked = Annotations.get(s.annotations(), Annotations.ADDRESS_POOL);
    require(asked.isEmpty() || asked.get().equals(al.pool()), () -> where + ": not the requested pool " + al);
    Set<IpFamily> families = new HashSet<>();
    for (IpAddress ip : al.ips()) {
      require(a.pools().poolFor(ip).map(IpPool::name).equals(Optional.of(al.pool())),
          () -> where + ": " + ip + " outside its pool " + al);
      require(families.add(ip.family()), () -> where + ": two IPs of one family " + al);
      require(s.ipFamilies().contains(ip.family()), () -> where + ": wrong family " + al);
    }
    require(s.ipFamilyPolicy() != IpFamilyPolicy.REQUIRE_DUAL_STACK || al.ips().size() == 2,
        () -> where + ": RequireDualStack with one IP " + al);
  }

  /** Two holders of one address may share it. */
  private static void checkPair(Map<ServiceKey, ServiceRequest> live, Allocation x, Allocation y, IpAddress ip,
      String where) {
    Supplier<String> pair = () -> where + ": " + x + " and " + y + " may not share " + ip;
    require(x.sharingKey().allowsSharing(), pair);
    require(x.sharingKey().equals(y.sharingKey()), pair);
    require(x.sharingKey().equals(live.get(x.service()).sharingKey()), pair);
    require(y.sharingKey().equals(live.get(y.service()).sharingKey()), pair);
    for (ServicePort p : x.ports()) {
      require(!y.ports().contains(p), pair);
    }
  }

  private static void require(boolean ok, Supplier<String> message) {
    if (!ok) {
      fail(message.get());
    }
  }

  /** Small pools so that exhaustion, sharing and refusals happen often. */
  private static PoolSet randomPools(Random rnd, int salt) {
    List<IpPool> pools = new ArrayList<>();
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      List<String> ranges = new ArrayList<>();
      if (rnd.nextInt(4) != 0) {
        ranges.add("192.0." + i + ".250-192.0." + (i) + "." + (250 + rnd.nextInt(6))); // crosses .255 sometimes
      }
      if (rnd.nextBoolean()) {
        ranges.add("2001:db8:" + i + "::/" + (125 + rnd.nextInt(4)));
      }
      if (ranges.isEmpty()) {
        ranges.add("198.51.100." + (8 * i) + "/30");
      }
      IpPool p = IpPool.of("p" + i, ranges.toArray(String[]::new))
          .withAutoAssign(rnd.nextInt(4) != 0)
          .withAvoidBuggyIPs(rnd.nextBoolean());
      int kind = rnd.nextInt(4);
      if (kind == 1) {
        p = p.withServiceAllocation(new ServiceAllocation(rnd.nextInt(3),
            Set.of(NAMESPACES.get(rnd.nextInt(NAMESPACES.size()))), List.of(), List.of()));
      } else if (kind == 2) {
        p = p.withServiceAllocation(new ServiceAllocation(rnd.nextInt(3), Set.of(),
            List.of(LabelSelector.ofLabels(Map.of("env", "prod"))),
            List.of(LabelSelector.ofLabels(Map.of("app", "web")))));
      }
      pools.add(p);
    }
    return new PoolSet(pools);
  }

  private static ServiceRequest randomService(Random rnd, Allocator a) {
    String ns = NAMESPACES.get(rnd.nextInt(NAMESPACES.size()));
    ServiceRequest.Builder b = ServiceRequest.builder(ns, "s" + rnd.nextInt(12));
    if (rnd.nextBoolean()) {
      b.label("app", rnd.nextBoolean() ? "web" : "db");
    }
    if (rnd.nextBoolean()) {
      b.namespaceLabel("env", rnd.nextBoolean() ? "prod" : "dev");
    }
    switch (rnd.nextInt(6)) {
      case 0 -> b.ipFamilies(IpFamily.IPV6);
      case 1 -> b.ipFamilies(IpFamily.IPV4, IpFamily.IPV6).ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK);
      case 2 -> b.ipFamilies(rnd.nextBoolean() ? new IpFamily[] {IpFamily.IPV6, IpFamily.IPV4}
          : new IpFamily[] {IpFamily.IPV4, IpFamily.IPV6}).ipFamilyPolicy(IpFamilyPolicy.PREFER_DUAL_STACK);
      default -> b.ipFamilies(IpFamily.IPV4);
    }
    int nPorts = rnd.nextInt(3);
    List<ServicePort> ports = new ArrayList<>();
    for (int i = 0; i < nPorts; i++) {
      ServicePort p = rnd.nextBoolean() ? ServicePort.tcp(80 + rnd.nextInt(3)) : ServicePort.udp(53);
      if (!ports.contains(p)) {
        ports.add(p);
      }
    }
    b.ports(ports.toArray(ServicePort[]::new));
    if (rnd.nextInt(3) != 0) {
      b.annotation(rnd.nextBoolean() ? "metallb.io/allow-shared-ip" : "metallb.universe.tf/allow-shared-ip",
          "k" + rnd.nextInt(2));
    }
    if (rnd.nextInt(4) == 0) {
      b.externalTrafficPolicy(TrafficPolicy.LOCAL).selector("app", rnd.nextBoolean() ? "x" : "y");
    }
    int pick = rnd.nextInt(10);
    List<IpPool> pools = a.pools().pools();
    if (pick == 0) {
      b.annotation("metallb.io/address-pool", pools.get(rnd.nextInt(pools.size())).name());
    } else if (pick == 1) {
      b.annotation("metallb.universe.tf/address-pool", "p" + rnd.nextInt(5));
    } else if (pick == 2) {
      // Ask for an address some Service already holds, or one next to it.
      List<Allocation> held = a.allocations();
      if (!held.isEmpty()) {
        IpAddress ip = held.get(rnd.nextInt(held.size())).ips().get(0).plus(rnd.nextInt(2));
        b.loadBalancerIP(ip.toString()).ipFamilies(ip.family()).ipFamilyPolicy(IpFamilyPolicy.SINGLE_STACK);
      }
    }
    return b.build();
  }
}
