package io.herald.allocator.bench;

import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The two {@link AllocatorBenchmark} operations in a plain loop, timed by the thread's CPU time as
 * well as by the clock. On a machine shared with other work the clock also counts the time spent
 * waiting for a core; CPU time does not, so it shows the cost of the code itself. The first round
 * warms up the JIT. See docs/allocator-benchmark.md.
 */
public final class AllocatorCpuTime {
  private static final int OPS = 300_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private AllocatorCpuTime() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    for (int round = 1; round <= rounds; round++) {
      for (int n : new int[] {1_000, 100_000}) {
        Allocator allocator = new Allocator(PoolSet.of(IpPool.of("v4", "10.0.0.0/16"), IpPool.of("v6", "2001:db8::/64")));
        ServiceRequest[] services = new ServiceRequest[n];
        for (int i = 0; i < n; i++) {
          services[i] = ServiceRequest.builder("ns" + (i % 100), "svc" + i)
              .ipFamilies(i % 2 == 0 ? IpFamily.IPV4 : IpFamily.IPV6).build();
          if (!(allocator.allocate(services[i]) instanceof AllocationResult.Assigned)) {
            throw new IllegalStateException("setup failed at " + i);
          }
        }
        int next = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          ServiceRequest s = services[next];
          next = (next + 7919) % n;
          allocator.release(s.key());
          allocator.allocate(s);
        }
        long cpu1 = THREADS.getCurrentThreadCpuTime();
        long wall1 = System.nanoTime();
        ServiceRequest fresh = ServiceRequest.builder("bench", "fresh").build();
        ServiceKey freshKey = fresh.key();
        for (int i = 0; i < OPS; i++) {
          allocator.allocate(fresh);
          allocator.release(freshKey);
        }
        long cpu2 = THREADS.getCurrentThreadCpuTime();
        long wall2 = System.nanoTime();
        System.out.printf("round %d, %,7d allocated: releaseAndReallocate %5.2f µs CPU (%6.2f µs wall), "
                + "allocateFresh %5.2f µs CPU (%6.2f µs wall)%n", round, n,
            (cpu1 - cpu0) / 1e3 / OPS, (wall1 - wall0) / 1e3 / OPS, (cpu2 - cpu1) / 1e3 / OPS, (wall2 - wall1) / 1e3 / OPS);
      }
    }
  }
}
