package io.herald.allocator.bench;

import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one release + re-allocate with {@code preallocated} Services already holding addresses
 * in an IPv4 /16 and an IPv6 /64 pool. Flat across 1k and 100k means allocation cost does not
 * grow with the number of addresses in use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocatorBenchmark {

  @Param({"1000", "100000"})
  int preallocated;

  Allocator allocator;
  ServiceRequest[] services;
  int next;

  @Setup(Level.Trial)
  public void fill() {
    allocator = new Allocator(PoolSet.of(IpPool.of("v4", "10.0.0.0/16"), IpPool.of("v6", "2001:db8::/64")));
    services = new ServiceRequest[preallocated];
    for (int i = 0; i < preallocated; i++) {
      services[i] = ServiceRequest.builder("ns" + (i % 100), "svc" + i)
          .ipFamilies(i % 2 == 0 ? IpFamily.IPV4 : IpFamily.IPV6).build();
      if (!(allocator.allocate(services[i]) instanceof AllocationResult.Assigned)) {
        throw new IllegalStateException("setup failed at " + i);
      }
    }
  }

  /** Release a Service holding an address in the middle of the used runs, then allocate it again. */
  @Benchmark
  public AllocationResult releaseAndReallocate() {
    ServiceRequest s = services[next];
    next = (next + 7919) % services.length;
    allocator.release(s.key());
    return allocator.allocate(s);
  }

  /** Allocate a brand-new Service, then release it: the steady state of a busy cluster. */
  @Benchmark
  public AllocationResult allocateFresh() {
    ServiceRequest s = ServiceRequest.builder("bench", "fresh").build();
    AllocationResult r = allocator.allocate(s);
    allocator.release(new ServiceKey("bench", "fresh"));
    return r;
  }
}
