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
 * every step that no address is held by two Services that may not share it, and that every held
 * address lies in a pool the Service may use. Seeded: a failure names its seed and step.
 */
class AllocatorRandomizedTest {

  private static final int STEPS = 600;
  private static final List<String> NAMESPACES = List.of("a", "b", "c");

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void invariantsHoldAfterEveryStep(long seed) {
    List<Allocation> first = run(seed);
    assertThat(run(seed)).as("same seed, same allocations").isEqualTo(first);
  }

  private List<Allocation> run(long seed) {
    Random rnd = new Random(seed);
    Allocator allocator = new Allocator(randomPools(rnd, 0));
    Map<ServiceKey, ServiceRequest> live = new TreeMap<>();
    for (int step = 0; step < STEPS; step++) {
      String where = "seed " + seed + " step " + step;
      int op = rnd.nextInt(100);
      if (op < 5) {
        PoolSet next = randomPools(rnd, step);
        if (allocator.setPools(next) instanceof Allocator.PoolChange.Applied) {
          for (ServiceRequest s : live.values()) {
            check(allocator, s, allocator.allocate(s), where + " resync");
          }
        }
      } else if (op < 20 && !live.isEmpty()) {
        ServiceKey victim = new ArrayList<>(live.keySet()).get(rnd.nextInt(live.size()));
        allocator.release(victim);
        live.remove(victim);
      } else if (op < 30 && !live.isEmpty()) {
        ServiceRequest same = new ArrayList<>(live.values()).get(rnd.nextInt(live.size()));
        Optional<Allocation> before = allocator.allocation(same.key());
        AllocationResult r = allocator.allocate(same);
        check(allocator, same, r, where);
        if (before.isPresent()) {
          // Kept; PreferDualStack may have added the missing family.
          List<IpAddress> after = allocator.allocation(same.key()).map(Allocation::ips).orElse(List.of());
          require(after.containsAll(before.get().ips()), () -> where + ": unchanged Service lost its IPs");
        }
      } else {
        ServiceRequest s = randomService(rnd, allocator);
        live.put(s.key(), s);
        check(allocator, s, allocator.allocate(s), where);
      }
      checkInvariants(allocator, live, where);
    }
    return allocator.allocations();
  }

  private static void check(Allocator a, ServiceRequest s, AllocationResult r, String where) {
    Optional<Allocation> held = a.allocation(s.key());
    if (r instanceof AllocationResult.Assigned as) {
      require(held.map(Allocation::ips).equals(Optional.of(as.ips())), () -> where + ": result differs from state");
    } else {
      require(held.isEmpty(), () -> where + ": a refused Service holds nothing: " + r);
    }
  }

  private static void checkInvariants(Allocator a, Map<ServiceKey, ServiceRequest> live, String where) {
    Map<IpAddress, List<Allocation>> byIp = new HashMap<>();
    Map<String, Set<IpAddress>> perPool = new HashMap<>();
    for (Allocation al : a.allocations()) {
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
        byIp.computeIfAbsent(ip, k -> new ArrayList<>()).add(al);
        perPool.computeIfAbsent(al.pool(), k -> new HashSet<>()).add(ip);
      }
      require(s.ipFamilyPolicy() != IpFamilyPolicy.REQUIRE_DUAL_STACK || al.ips().size() == 2,
          () -> where + ": RequireDualStack with one IP " + al);
    }
    for (var e : byIp.entrySet()) {
      List<Allocation> holders = e.getValue();
      require(a.holders(e.getKey()).size() == holders.size(), () -> where + ": holder index out of step");
      for (int i = 0; i < holders.size(); i++) {
        for (int j = i + 1; j < holders.size(); j++) {
          Allocation x = holders.get(i);
          Allocation y = holders.get(j);
          Supplier<String> pair = () -> where + ": " + x + " and " + y + " may not share " + e.getKey();
          require(x.sharingKey().allowsSharing(), pair);
          require(x.sharingKey().equals(y.sharingKey()), pair);
          require(x.sharingKey().equals(live.get(x.service()).sharingKey()), pair);
          require(y.sharingKey().equals(live.get(y.service()).sharingKey()), pair);
          require(x.ports().stream().noneMatch(y.ports()::contains), pair);
        }
      }
    }
    for (IpPool p : a.pools().pools()) {
      PoolUsage u = a.usage(p.name());
      long held = perPool.getOrDefault(p.name(), Set.of()).size();
      require(u.assignedIPv4() + u.assignedIPv6() == held, () -> where + ": usage of " + p.name());
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
