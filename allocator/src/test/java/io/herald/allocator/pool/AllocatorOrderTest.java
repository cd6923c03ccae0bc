package io.herald.allocator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocator keeps Services and addresses in hashed maps; what it reports must still come out
 * in key order, whatever order the Services arrived in.
 */
class AllocatorOrderTest {

  private static final String SHARE = "metallb.io/allow-shared-ip";

  /** 60 Services in three namespaces, created in a shuffled order. */
  private static List<ServiceRequest> shuffledServices(long seed) {
    List<ServiceRequest> out = new ArrayList<>();
    for (String ns : List.of("b", "a", "c")) {
      for (int i = 0; i < 20; i++) {
        out.add(ServiceRequest.builder(ns, "s" + i).annotation(SHARE, "k").ports(ServicePort.tcp(1000 + out.size())).build());
      }
    }
    Collections.shuffle(out, new Random(seed));
    return out;
  }

  @Test
  void allocationsAreListedInServiceOrder() {
    Allocator a = new Allocator(PoolSet.of(IpPool.of("p", "192.0.2.0/24")));
    shuffledServices(1).forEach(a::allocate);
    List<ServiceKey> keys = a.allocations().stream().map(Allocation::service).toList();
    assertThat(keys).hasSize(60).isSorted();
    assertThat(keys.get(0)).isEqualTo(new ServiceKey("a", "s0"));
  }

  @Test
  void holdersOfASharedAddressAreListedInServiceOrder() {
    Allocator a = new Allocator(PoolSet.of(IpPool.of("p", "192.0.2.0/24")));
    List<ServiceRequest> services = shuffledServices(2);
    services.forEach(a::allocate);
    List<ServiceKey> holders = a.holders(IpAddress.of("192.0.2.0"));
    assertThat(holders).hasSize(60).isSorted();
    // Releasing from the middle keeps the rest in order.
    a.release(new ServiceKey("b", "s7"));
    assertThat(a.holders(IpAddress.of("192.0.2.0"))).hasSize(59).isSorted().doesNotContain(new ServiceKey("b", "s7"));
  }

  @Test
  void refusedPoolChangeNamesTheFirstServiceInKeyOrder() {
    for (long seed = 0; seed < 5; seed++) {
      Allocator a = new Allocator(PoolSet.of(IpPool.of("p", "192.0.2.0/24"), IpPool.of("q", "198.51.100.0/24")));
      for (ServiceRequest s : shuffledServices(seed)) {
        // Unshared, so every Service has its own address and several would lose theirs.
        a.allocate(s.toBuilder().withoutAnnotation(SHARE).annotation("metallb.io/address-pool",
            s.key().namespace().equals("a") ? "q" : "p").build());
      }
      IpAddress first = a.allocation(new ServiceKey("a", "s0")).orElseThrow().ips().get(0);
      assertThat(a.setPools(PoolSet.of(IpPool.of("p", "192.0.2.0/24"))))
          .isEqualTo(new Allocator.PoolChange.Refused("new config not compatible with assigned IPs: "
              + "service \"a/s0\" cannot own \"" + first + "\" under new config"));
    }
  }
}
