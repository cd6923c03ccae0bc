package io.herald.allocator.bench;

import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceRequest;

/**
 * Retained heap, measured as used heap after repeated GC: an empty allocator over a /24 versus a
 * /8, then bytes per allocated IP at 1k and 100k Services. Everything measured runs once first,
 * so that class loading and the JIT's first allocations are not counted; empty allocators are
 * measured a thousand at a time, in both orders. Run with {@code -Xmx1g}; see
 * docs/allocator-benchmark.md.
 */
public final class AllocatorFootprint {
  private static final int EMPTY_COPIES = 1_000;

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

  static PoolSet dualStack() {
    return PoolSet.of(IpPool.of("v4", "10.0.0.0/16"), IpPool.of("v6", "2001:db8::/64"));
  }

  static ServiceRequest[] requests(int n) {
    ServiceRequest[] reqs = new ServiceRequest[n];
    for (int i = 0; i < n; i++) {
      reqs[i] = ServiceRequest.builder("ns", "svc" + i).ipFamilies(i % 2 == 0 ? IpFamily.IPV4 : IpFamily.IPV6).build();
    }
    return reqs;
  }

  static Allocator fill(ServiceRequest[] reqs) {
    Allocator a = new Allocator(dualStack());
    for (ServiceRequest r : reqs) {
      if (!(a.allocate(r) instanceof AllocationResult.Assigned)) {
        throw new IllegalStateException("not allocated: " + r.key());
      }
    }
    return a;
  }

  /** Bytes retained by one empty allocator over a pool of {@code cidr}, averaged over many. */
  static long emptyAllocator(String cidr) {
    Allocator[] keep = new Allocator[EMPTY_COPIES];
    long before = used();
    for (int i = 0; i < keep.length; i++) {
      keep[i] = new Allocator(PoolSet.of(IpPool.of("p", cidr)));
    }
    long after = used();
    if (keep[keep.length - 1].pools().size() != 1) {
      throw new IllegalStateException();
    }
    return (after - before) / keep.length;
  }

  public static void main(String[] args) {
    // Warm-up: load and run every class measured below, then drop it all.
    for (int round = 0; round < 3; round++) {
      Allocator w = fill(requests(2_000));
      w.release(w.allocations().get(0).service());
      emptyAllocator("10.0.0.0/24");
      emptyAllocator("10.0.0.0/8");
    }
    long a24 = emptyAllocator("10.0.0.0/24");
    long a8 = emptyAllocator("10.0.0.0/8");
    long b8 = emptyAllocator("10.0.0.0/8");
    long b24 = emptyAllocator("10.0.0.0/24");
    System.out.printf("empty allocator, /24 then /8: %d and %d bytes; /8 then /24: %d and %d bytes%n", a24, a8, b8, b24);
    for (int n : new int[] {1_000, 100_000}) {
      ServiceRequest[] reqs = requests(n);
      long before = used();
      Allocator a = fill(reqs);
      long after = used();
      System.out.printf("%d Services allocated: %d bytes retained, %d bytes per allocated IP%n",
          n, after - before, (after - before) / n);
      if (a.allocations().size() != n) {
        throw new IllegalStateException("not all allocated");
      }
    }
  }
}
