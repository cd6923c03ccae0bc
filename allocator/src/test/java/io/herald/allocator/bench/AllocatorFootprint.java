package io.herald.allocator.bench;

import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceRequest;

/**
 * Retained heap, measured as used heap after repeated GC: an empty allocator over a /24 versus a
 * /8, then bytes per allocated Service at 1k and 100k. Run with {@code -Xmx1g}; see
 * docs/allocator-benchmark.md.
 */
public final class AllocatorFootprint {
  private AllocatorFootprint() {}

  static long used() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  public static void main(String[] args) {
    long base = used();
    Allocator small = new Allocator(PoolSet.of(IpPool.of("p", "10.0.0.0/24")));
    long afterSmall = used();
    Allocator big = new Allocator(PoolSet.of(IpPool.of("p", "10.0.0.0/8")));
    long afterBig = used();
    System.out.printf("empty allocator, /24 pool: %d bytes; /8 pool: %d bytes%n", afterSmall - base, afterBig - afterSmall);
    for (int n : new int[] {1_000, 100_000}) {
      ServiceRequest[] reqs = new ServiceRequest[n];
      for (int i = 0; i < n; i++) {
        reqs[i] = ServiceRequest.builder("ns", "svc" + i).ipFamilies(i % 2 == 0 ? IpFamily.IPV4 : IpFamily.IPV6).build();
      }
      Allocator a = new Allocator(PoolSet.of(IpPool.of("v4", "10.0.0.0/16"), IpPool.of("v6", "2001:db8::/64")));
      long before = used();
      for (ServiceRequest r : reqs) {
        a.allocate(r);
      }
      long after = used();
      System.out.printf("%d Services allocated: %d bytes retained, %d bytes per allocated IP%n",
          n, after - before, (after - before) / n);
      if (a.allocations().size() != n) {
        throw new IllegalStateException("not all allocated");
      }
    }
    if (small.pools().size() + big.pools().size() != 2) {
      throw new IllegalStateException();
    }
  }
}
