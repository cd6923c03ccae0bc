package io.herald.allocator.pool;

import static io.herald.allocator.pool.Story.svc;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.AllocationResult.Assigned;
import io.herald.allocator.pool.AllocationResult.Change;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One story per MetalLB rule (metallb-features §1.2, §1.9), told as steps. */
class AllocatorStoryTest {

  private static final String LB_IPS = "metallb.io/loadBalancerIPs";
  private static final String POOL = "metallb.io/address-pool";
  private static final String OLD_POOL = "metallb.universe.tf/address-pool";
  private static final String SHARE = "metallb.io/allow-shared-ip";

  @Test
  void autoAssignHandsOutAddressesInCidrOrderAndReusesFreedOnes() {
    new Story(PoolSet.of(IpPool.of("p", "192.0.2.0/31", "198.51.100.7-198.51.100.8")))
        .step("s1 gets .0", svc("s1").build(), "192.0.2.0")
        .step("s1 idempotent", svc("s1").build(), "192.0.2.0")
        .step("s2 gets .1", svc("s2").build(), "192.0.2.1")
        .step("s3 moves on to the range", svc("s3").build(), "198.51.100.7")
        .step("s4 gets the last", svc("s4").build(), "198.51.100.8")
        .step("s5 finds nothing", svc("s5").build(), "fail: no available IPs")
        .release("s2 releases", "default", "s2")
        .step("s5 gets s2's old IP", svc("s5").build(), "192.0.2.1");
  }

  @Test
  void requestedIpsAreAssignedExactlyAndNeverTaken() {
    new Story(PoolSet.of(IpPool.of("p", "192.0.2.0/30").withAutoAssign(false), IpPool.of("q", "198.51.100.0/30")))
        .step("s1 asks .2 by spec.loadBalancerIP (autoAssign ignored)",
            svc("s1").loadBalancerIP("192.0.2.2").build(), "192.0.2.2")
        .step("s2 can't grab s1's IP", svc("s2").loadBalancerIP("192.0.2.2").build(),
            "fail: existing service does not allow sharing")
        .step("s3 asks by annotation", svc("s3").annotation(LB_IPS, "192.0.2.3").build(), "192.0.2.3")
        .step("outside every pool", svc("s4").annotation(LB_IPS, "203.0.113.1").build(),
            "fail: [\"203.0.113.1\"] is not allowed in config")
        .step("both fields", svc("s5").annotation(LB_IPS, "192.0.2.1").loadBalancerIP("192.0.2.1").build(),
            "fail: service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP")
        .step("IPv6 for an IPv4 service", svc("s6").annotation(LB_IPS, "2001:db8::1").build(),
            "fail: requested loadBalancer IP(s) [\"2001:db8::1\"] does not match the ipFamily of the service")
        .step("ip and pool disagree", svc("s7").annotation(LB_IPS, "192.0.2.1").annotation(POOL, "q").build(),
            "fail: [\"192.0.2.1\"] is not compatible with requested address pool q")
        .step("s1 changes its request: moves", svc("s1").loadBalancerIP("192.0.2.1").build(), "192.0.2.1")
        .step("s2 now gets .2", svc("s2").loadBalancerIP("192.0.2.2").build(), "192.0.2.2")
        .step("garbage literal", svc("s8").loadBalancerIP("192.0.2.x").build(), "fail: invalid IP \"192.0.2.x\"");
  }

  @Test
  void addressPoolAnnotationPicksThePoolAndNewPrefixWins() {
    new Story(PoolSet.of(IpPool.of("private", "10.0.0.0/30"),
        IpPool.of("public", "198.51.100.0/31").withAutoAssign(false)))
        .step("default goes to the auto-assign pool", svc("s1").build(), "10.0.0.0")
        .step("legacy annotation reaches a non-auto pool", svc("s2").annotation(OLD_POOL, "public").build(),
            "198.51.100.0")
        .step("metallb.io/ wins over metallb.universe.tf/",
            svc("s3").annotation(OLD_POOL, "public").annotation(POOL, "private").build(), "10.0.0.1")
        .step("changing the annotation moves s1", svc("s1").annotation(POOL, "public").build(), "198.51.100.1")
        .step("pool exhausted", svc("s4").annotation(POOL, "public").build(),
            "fail: no available IPs in pool \"public\"")
        .step("unknown pool", svc("s5").annotation(POOL, "nope").build(), "fail: unknown pool \"nope\"")
        .step("non-auto pool never used by default", svc("s6").build(), "10.0.0.0");
  }

  @Test
  void avoidBuggyIpsSkipsDotZeroAndDot255() {
    new Story(PoolSet.of(IpPool.of("p", "192.0.2.254-192.0.3.1").withAvoidBuggyIPs(true)))
        .step("s1 gets .254", svc("s1").build(), "192.0.2.254")
        .step("s2 skips .255 and .0", svc("s2").build(), "192.0.3.1")
        .step("nothing left", svc("s3").build(), "fail: no available IPs")
        .step(".0 is not allowed even when asked", svc("s4").loadBalancerIP("192.0.3.0").build(),
            "fail: [\"192.0.3.0\"] is not allowed in config");
  }

  @Test
  void serviceAllocationPinsPoolsByPriorityNamespaceAndLabels() {
    IpPool teamA = IpPool.of("team-a", "192.0.2.0/32")
        .withServiceAllocation(new ServiceAllocation(1, Set.of("a"), List.of(), List.of()));
    IpPool teamAOverflow = IpPool.of("team-a-2", "192.0.2.8/32")
        .withServiceAllocation(new ServiceAllocation(2, Set.of("a"), List.of(), List.of()));
    IpPool web = IpPool.of("web", "192.0.2.16/32").withServiceAllocation(new ServiceAllocation(0, Set.of(),
        List.of(LabelSelector.ofLabels(java.util.Map.of("tier", "edge"))),
        List.of(LabelSelector.ofLabels(java.util.Map.of("app", "web")))));
    IpPool shared = IpPool.of("shared", "198.51.100.0/31");
    new Story(PoolSet.of(teamA, teamAOverflow, web, shared))
        .step("a/x takes the priority 1 pool", ServiceRequest.builder("a", "x").build(), "192.0.2.0")
        .step("a/y takes the priority 2 pool", ServiceRequest.builder("a", "y").build(), "192.0.2.8")
        .step("a/z falls back to the open pool", ServiceRequest.builder("a", "z").build(), "198.51.100.0")
        .step("b/x never uses team-a's pools", ServiceRequest.builder("b", "x").build(), "198.51.100.1")
        .step("b/y finds nothing left", ServiceRequest.builder("b", "y").build(), "fail: no available IPs")
        .step("edge namespace + app=web matches the selectors",
            ServiceRequest.builder("e", "w").namespaceLabel("tier", "edge").label("app", "web").build(),
            "192.0.2.16")
        .step("asking team-a's pool from b is refused", ServiceRequest.builder("b", "q").annotation(POOL, "team-a").build(),
            "fail: pool team-a not compatible for ip assignment")
        .step("asking team-a's IP from b is refused", ServiceRequest.builder("b", "r").loadBalancerIP("192.0.2.0").build(),
            "fail: pool team-a not compatible for ip assignment");
  }

  @Test
  void sharingNeedsTheSameKeyDisjointPortsAndTheSameBackend() {
    new Story(PoolSet.of(IpPool.of("p", "192.0.2.0/31")))
        .step("s1 shares under key k", svc("s1").annotation(SHARE, "k").ports(ServicePort.tcp(80)).build(), "192.0.2.0")
        .step("s2 same key, other port: same IP", svc("s2").annotation(SHARE, "k").ports(ServicePort.tcp(443)).build(),
            "192.0.2.0")
        .step("s3 same key, same port: next IP", svc("s3").annotation(SHARE, "k").ports(ServicePort.tcp(80)).build(),
            "192.0.2.1")
        .step("s4 forced onto a port in use", svc("s4").annotation(SHARE, "k").ports(ServicePort.tcp(443))
            .loadBalancerIP("192.0.2.0").build(), "fail: port TCP/443 is already in use on \"192.0.2.0\"")
        .step("s5 other key", svc("s5").annotation(SHARE, "other").loadBalancerIP("192.0.2.0").build(),
            "fail: sharing key \"other\" does not match existing sharing key \"k\"")
        .step("s6 no key", svc("s6").loadBalancerIP("192.0.2.0").build(), "fail: new service does not allow sharing")
        .step("UDP/80 is not TCP/80", svc("s7").annotation(SHARE, "k").ports(ServicePort.udp(80)).build(), "192.0.2.0")
        .step("s1 may not change its key while shared", svc("s1").annotation(SHARE, "k2").ports(ServicePort.tcp(80))
            .loadBalancerIP("192.0.2.0").build(),
            "fail: can't change sharing key for \"default/s1\", address also in use by default/s2,default/s7");
  }

  @Test
  void sharingAcrossNamespacesAndLocalPolicyNeedsIdenticalSelectors() {
    ServiceRequest.Builder local = ServiceRequest.builder("n1", "l1").annotation(SHARE, "k")
        .externalTrafficPolicy(TrafficPolicy.LOCAL).selector("app", "a").ports(ServicePort.tcp(80));
    new Story(PoolSet.of(IpPool.of("p", "192.0.2.0/31")))
        .step("l1 local, app=a", local.build(), "192.0.2.0")
        .step("other namespace, same selector: shares", ServiceRequest.builder("n2", "l2").annotation(SHARE, "k")
            .externalTrafficPolicy(TrafficPolicy.LOCAL).selector("app", "a").ports(ServicePort.tcp(81)).build(), "192.0.2.0")
        .step("different selector: next IP", ServiceRequest.builder("n2", "l3").annotation(SHARE, "k")
            .externalTrafficPolicy(TrafficPolicy.LOCAL).selector("app", "b").ports(ServicePort.tcp(82)).build(), "192.0.2.1")
        .step("forced: backend mismatch", ServiceRequest.builder("n2", "l4").annotation(SHARE, "k").loadBalancerIP("192.0.2.0")
            .externalTrafficPolicy(TrafficPolicy.CLUSTER).ports(ServicePort.tcp(83)).build(),
            "fail: backend key \"\" does not match existing backend key \"app=a\"");
  }

  @Test
  void dualStackComesFromOnePool() {
    PoolSet pools = PoolSet.of(IpPool.of("v4only", "192.0.2.0/32"),
        IpPool.of("dual", "198.51.100.0/32", "2001:db8::/126"), IpPool.of("v6only", "2001:db8:1::/127"));
    new Story(pools)
        .step("RequireDualStack takes both from 'dual'", svc("d1").ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK)
            .ipFamilies(IpFamily.IPV4, IpFamily.IPV6).build(), "198.51.100.0,2001:db8::")
        .step("next RequireDualStack: v4 exhausted in 'dual', never mixes pools",
            svc("d2").ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK).ipFamilies(IpFamily.IPV4, IpFamily.IPV6).build(),
            "fail: no available IPs")
        .step("PreferDualStack falls back to the primary family", svc("p1").ipFamilyPolicy(IpFamilyPolicy.PREFER_DUAL_STACK)
            .ipFamilies(IpFamily.IPV6, IpFamily.IPV4).build(), "2001:db8::1")
        .step("RequireDualStack with one cluster IP", svc("d3").ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK)
            .ipFamilies(IpFamily.IPV4).build(), "fail: Service requires dual stack but not enough clusterips [IPv4]")
        .step("IPv6 single stack", svc("s6").ipFamilies(IpFamily.IPV6).build(), "2001:db8::2")
        .step("two requested IPs of different families", svc("r1").ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK)
            .ipFamilies(IpFamily.IPV4, IpFamily.IPV6).annotation(LB_IPS, "192.0.2.0,2001:db8::3").build(),
            "fail: [\"192.0.2.0\" \"2001:db8::3\"] is not allowed in config")
        .step("two requested IPs of one family", svc("r2").annotation(LB_IPS, "192.0.2.0,192.0.2.1").build(),
            "fail: loadBalancerIPs must hold one IP, or two IPs of different families: 192.0.2.0,192.0.2.1");
    new Story(PoolSet.of(IpPool.of("v4", "192.0.2.0/32")))
        .step("no IPv6 pool at all", svc("x").ipFamilies(IpFamily.IPV6).build(), "fail: no suitable pool for IPv6 IPFamily");
  }

  @Test
  void preferDualStackTopsUpFromTheSamePoolLater() {
    Allocator a = new Allocator(PoolSet.of(IpPool.of("dual", "198.51.100.0/32", "2001:db8::/127")));
    ServiceRequest blocker = svc("b").ipFamilies(IpFamily.IPV6).loadBalancerIP("2001:db8::").build();
    ServiceRequest blocker2 = svc("b2").ipFamilies(IpFamily.IPV6).loadBalancerIP("2001:db8::1").build();
    ServiceRequest pref = svc("p").ipFamilyPolicy(IpFamilyPolicy.PREFER_DUAL_STACK)
        .ipFamilies(IpFamily.IPV4, IpFamily.IPV6).build();
    new Story(a)
        .step("v6 taken", blocker, "2001:db8::")
        .step("v6 taken too", blocker2, "2001:db8::1")
        .step("p gets only v4", pref, "198.51.100.0");
    a.release(blocker.key());
    AllocationResult r = a.allocate(pref);
    assertThat(r).isInstanceOfSatisfying(Assigned.class, x -> {
      assertThat(x.change()).isEqualTo(Change.ADDED_FAMILY);
      assertThat(x.ips()).containsExactly(IpAddress.of("198.51.100.0"), IpAddress.of("2001:db8::"));
      assertThat(x.eventMessage()).isEqualTo("Assigned additional IP \"2001:db8::\"");
    });
  }

  @Test
  void loadBalancerClassSelectsWhichServicesAreOurs() {
    PoolSet pools = PoolSet.of(IpPool.of("p", "192.0.2.0/30"));
    new Story(new Allocator(pools))
        .step("no class: ours", svc("a").build(), "192.0.2.0")
        .step("a class: not ours", svc("b").loadBalancerClass("other").build(), "not handled")
        .step("a moves to another class: released", svc("a").loadBalancerClass("other").build(), "not handled")
        .step("c gets a's old IP", svc("c").build(), "192.0.2.0");
    new Story(new Allocator(pools, Optional.of("herald")))
        .step("with --lb-class, classless is not ours", svc("a").build(), "not handled")
        .step("our class", svc("b").loadBalancerClass("herald").build(), "192.0.2.0");
  }

  @Test
  void startUpHonoursAssignedServicesFirst() {
    Allocator a = new Allocator(PoolSet.of(IpPool.of("p", "192.0.2.0/31")));
    ServiceRequest fresh = ServiceRequest.builder("a", "fresh").build();
    ServiceRequest old = ServiceRequest.builder("z", "old").statusIps(IpAddress.of("192.0.2.0")).build();
    List<AllocationResult> results = a.startUp(List.of(fresh, old));
    assertThat(results).extracting(Story::render).containsExactly("192.0.2.0", "192.0.2.1");
    assertThat(results.get(0).service()).isEqualTo(old.key());
    assertThat(((Assigned) results.get(0)).change()).isEqualTo(Change.UNCHANGED);
    assertThat(((Assigned) results.get(1)).change()).isEqualTo(Change.ASSIGNED);
  }

  @Test
  void aServiceKeepsItsIpWhileValidAndIsClearedWhenNot() {
    IpPool open = IpPool.of("p", "192.0.2.0/30");
    Allocator a = new Allocator(PoolSet.of(open));
    new Story(a)
        .step("s1 gets .0", svc("s1").build(), "192.0.2.0")
        .step("s2 gets .1", svc("s2").build(), "192.0.2.1");
    a.release(new ServiceKey("default", "s1"));
    new Story(a).step("s2 keeps .1 although .0 is free", svc("s2").build(), "192.0.2.1");

    // The pool gets restricted to another namespace: s2's IP is still in config, but not for it.
    IpPool restricted = open.withServiceAllocation(new ServiceAllocation(0, Set.of("other"), List.of(), List.of()));
    assertThat(a.setPools(PoolSet.of(restricted, IpPool.of("q", "198.51.100.0/32"))))
        .isInstanceOf(Allocator.PoolChange.Applied.class);
    AllocationResult r = a.allocate(svc("s2").build());
    assertThat(Story.render(r)).isEqualTo("198.51.100.0");
    assertThat(((Assigned) r).cleared()).contains(new AllocationFailure.PoolNotCompatible("p"));
    assertThat(AllocationResult.clearMessage(r.service(), ((Assigned) r).cleared().get())).isEqualTo(
        "current IP for \"default/s2\" not allowed by config, will attempt for new IP assignment: "
            + "pool p not compatible for ip assignment");
  }

  @Test
  void removingAPoolInUseIsRefusedAndTheOldPoolsStay() {
    Allocator a = new Allocator(PoolSet.of(IpPool.of("p", "192.0.2.0/30"), IpPool.of("q", "198.51.100.0/30")));
    new Story(a).step("s1 in p", svc("s1").build(), "192.0.2.0");
    assertThat(a.setPools(PoolSet.of(IpPool.of("q", "198.51.100.0/30")))).isEqualTo(new Allocator.PoolChange.Refused(
        "new config not compatible with assigned IPs: service \"default/s1\" cannot own \"192.0.2.0\" under new config"));
    new Story(a).step("p still in force", svc("s2").build(), "192.0.2.1");
    assertThat(a.setPools(PoolSet.of(IpPool.of("p2", "192.0.2.0/29")))).isInstanceOf(Allocator.PoolChange.Applied.class);
    assertThat(a.allocation(new ServiceKey("default", "s1")).orElseThrow().pool()).isEqualTo("p2");
    new Story(a).step("growing pool: next free after the kept ones", svc("s3").build(), "192.0.2.2");
  }

  @Test
  void usageCountsSharedAddressesOnce() {
    Allocator a = new Allocator(PoolSet.of(IpPool.of("p", "192.0.2.0/24", "2001:db8::/64").withAvoidBuggyIPs(true)));
    a.allocate(svc("a").annotation(SHARE, "k").ports(ServicePort.tcp(1)).build());
    a.allocate(svc("b").annotation(SHARE, "k").ports(ServicePort.tcp(2)).build());
    a.allocate(svc("c").ipFamilies(IpFamily.IPV6).build());
    PoolUsage u = a.usage("p");
    assertThat(u.assignedIPv4()).isEqualTo(1);
    assertThat(u.assignedIPv6()).isEqualTo(1);
    assertThat(u.availableIPv4()).isEqualTo(java.math.BigInteger.valueOf(253));
    assertThat(u.availableIPv6()).isEqualTo(java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE));
  }

  @Test
  void deprecatedAnnotationsAreReported() {
    assertThat(Annotations.deprecatedInUse(java.util.Map.of(OLD_POOL, "x", SHARE, "k")))
        .containsExactly("metallb.universe.tf/address-pool");
  }
}
