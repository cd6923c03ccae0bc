package io.herald.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.node.Collector;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import io.herald.node.k8s.ClusterWiring;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.types.Asn;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test (run it with {@code -Dtest=ApiThroughputBenchmark}): N LoadBalancer Services
 * created at once through the sandbox API while one node reads it, timed until the API holds an
 * address in {@code status.loadBalancer.ingress} for every one (seen inside the process, as the
 * sandbox stores each write), beside the raw append rate of a single persistent
 * actor on the node's own journal in the same run. The node announces to one loopback collector,
 * as a node would to its router; everything shares one JVM and the machine's cores. With
 * {@code -DargLine=-XX:TieredStopAtLevel=1} the JVM compiles as {@code bin/herald} runs a node.
 */
class ApiThroughputBenchmark {
  private static final int N = Integer.getInteger("herald.bench.services", 10_000);
  /** Client threads creating the objects: a burst, as from a deployment tool. */
  private static final int CREATORS = Integer.getInteger("herald.bench.creators", 8);

  @Test
  void measure() throws Exception {
    Path dir = Files.createTempDirectory("herald-api-bench");
    try (SandboxApi api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
        BgpTransport transport = new BgpTransport();
        Collector router = new Collector(transport, "127.0.0.2", "127.0.0.1", Asn.of(64500), Asn.of(64501))) {
      KubernetesClient client = api.client();
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a")
          .addToLabels("kubernetes.io/hostname", "node-a").endMetadata().build()).create();
      client.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata()
          .withName("config").withNamespace("metallb-system").endMetadata()
          .addToData("config", """
              peers:
                - peer-address: 127.0.0.2
                  peer-port: %d
                  peer-asn: 64500
                  my-asn: 64501
              address-pools:
                - name: bench
                  protocol: bgp
                  addresses: [10.0.0.0/16]
              """.formatted(router.port)).build()).create();
      for (int k = 0; k < 50; k++) {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
            .withName("ns-" + k).endMetadata().build()).create();
      }
      HeraldNode node = HeraldNode.start(TestNodes.settings("node-a", TestNodes.freePort(), List.of(),
          new NodeSettings.Journal.H2(dir.resolve("journal")), Duration.ZERO),
          TestNodes.config(TestNodes.ONE_POOL), TestNodes.FAST);
      ClusterWiring wiring = null;
      try {
        ActorRef<AllocationThroughputBenchmark.Append> writer = node.system().systemActorOf(
            new AllocationThroughputBenchmark.Raw(org.apache.pekko.persistence.typed.PersistenceId.ofUniqueId("raw-bench")),
            "raw-bench", org.apache.pekko.actor.typed.Props.empty());
        AllocationThroughputBenchmark.runRaw(node, writer, 200, 0);
        long r0 = System.nanoTime();
        AllocationThroughputBenchmark.runRaw(node, writer, N, 1000);
        double rawSeconds = (System.nanoTime() - r0) / 1e9;
        System.out.printf("raw journal append:         %d events in %.2f s = %.0f/s%n", N, rawSeconds, N / rawSeconds);

        // Timed where the API stores each status, inside the process: a watch client of the
        // benchmark's own would decode every Service again on the same two cores as the node.
        Set<String> withStatus = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicLong firstStatus = new java.util.concurrent.atomic.AtomicLong();
        Runnable observing = api.observe("", "v1", "services", (event, s) -> {
          if (!s.path("status").path("loadBalancer").path("ingress").isEmpty()) {
            firstStatus.compareAndSet(0, System.nanoTime());
            withStatus.add(s.path("metadata").path("namespace").asString() + "/" + s.path("metadata").path("name").asString());
          }
        });
        try {
          // 1. N Services the node sees at once: in the API before the node reads it.
          double filled = create(client, 0, N);
          System.out.printf("sandbox filled:             %d Services and EndpointSlices in %.2f s (no node reading)%n", N, filled);
          var before = api.requests();
          CpuByThread cpu = new CpuByThread();
          CoresBusy busy = CoresBusy.start();
          long t0 = System.nanoTime();
          wiring = ClusterWiring.start(node, client, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(120)));
          double syncedSeconds = (System.nanoTime() - t0) / 1e9;
          await(withStatus::size, N);
          double statusSeconds = (System.nanoTime() - t0) / 1e9;
          var atStatus = api.requests();
          busy.stop();
          cpu.print(N);
          await(router.routes::size, N);
          assertThat(withStatus).hasSize(N);
          double routedSeconds = (System.nanoTime() - t0) / 1e9;
          System.out.printf("seen at once, all with status: %.2f s after the informers started (synced after %.2f s, the first with status after %.2f s) = %.0f/s (%.0f%% of raw)%n",
              statusSeconds, syncedSeconds, (firstStatus.get() - t0) / 1e9, N / statusSeconds, 100 * rawSeconds / statusSeconds);
          System.out.printf("seen at once, all routed:      %.2f s = %.0f/s%n", routedSeconds, N / routedSeconds);
          awaitWritten(api, before, N);
          System.out.printf("seen at once, all written:     %.2f s (every IPAllocated and nodeAssigned Event, every ServiceBGPStatus)%n",
              (System.nanoTime() - t0) / 1e9);
          System.out.println("  by the time all had status:");
          requests(before, atStatus, N);
          System.out.println("  by the time all was written:");
          requests(before, api.requests(), N);
          var reasons = new java.util.TreeMap<String, Integer>();
          for (var e : client.v1().events().inAnyNamespace().list().getItems()) {
            reasons.merge(e.getReason() + " (" + e.getSource().getComponent() + ")", 1, Integer::sum);
          }
          System.out.println("  Events by reason: " + reasons);

          // 2. N more created while the node runs, as fast as the API takes them.
          if (!Boolean.parseBoolean(System.getProperty("herald.bench.burst", "true"))) return;
          var beforeBurst = api.requests();
          long t1 = System.nanoTime();
          double created = create(client, N, N);
          await(withStatus::size, 2 * N);
          double burstStatus = (System.nanoTime() - t1) / 1e9;
          await(router.routes::size, 2 * N);
          double burstRouted = (System.nanoTime() - t1) / 1e9;
          System.out.printf("created while running:      %d in %.2f s; all with status %.2f s, routed %.2f s after the first create = %.0f/s (%.0f%% of raw)%n",
              N, created, burstStatus, burstRouted, N / burstStatus, 100 * rawSeconds / burstStatus);
          assertThat(withStatus).hasSize(2 * N);
          assertThat(router.routes).hasSize(2 * N);
          awaitWritten(api, beforeBurst, N);
          System.out.printf("created while running:      all written %.2f s after the first create%n", (System.nanoTime() - t1) / 1e9);
        } finally {
          observing.run();
        }
      } finally {
        node.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (wiring != null) wiring.close();
        TestNodes.awaitH2Closed(dir);
      }
    }
  }

  /** Creates Services {@code from}..{@code from+n-1}, each with a ready endpoint on node-a, by {@link #CREATORS} threads; seconds taken. */
  private static double create(KubernetesClient client, int from, int n) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService creators = Executors.newFixedThreadPool(CREATORS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < from + n; i++) {
        String ns = "ns-" + (i % 50);
        String name = String.format("svc-%05d", i);
        int host = i;
        done.add(creators.submit(() -> {
          client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(name)
              .withNamespace(ns).addToLabels("app", name).endMetadata().withNewSpec().withType("LoadBalancer")
              .withExternalTrafficPolicy("Cluster").addToSelector("app", name)
              .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
          client.discovery().v1().endpointSlices().inNamespace(ns).resource(new EndpointSliceBuilder().withNewMetadata()
              .withName(name + "-1").withNamespace(ns).addToLabels("kubernetes.io/service-name", name).endMetadata()
              .withAddressType("IPv4").addNewEndpoint()
              .withAddresses("10." + (200 + (host >> 16)) + "." + ((host >> 8) & 255) + "." + (host & 255)).withNodeName("node-a")
              .withNewConditions().withReady(true).endConditions().endEndpoint()
              .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build()).create();
        }));
      }
      for (Future<?> f : done) f.get(600, TimeUnit.SECONDS);
    } finally {
      creators.shutdown();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Waits until {@code size} reaches {@code n} (at most 15 minutes), printing it every 10 s. */
  private static void await(java.util.function.IntSupplier size, int n) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MINUTES.toNanos(15);
    long nextReport = start + TimeUnit.SECONDS.toNanos(10);
    while (size.getAsInt() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      if (System.nanoTime() > nextReport) {
        // The curve shows whether the rate is steady or stalls (an ask timing out, a queue draining).
        System.out.printf("  %3.0f s: %d of %d%n", (System.nanoTime() - start) / 1e9, size.getAsInt(), n);
        nextReport += TimeUnit.SECONDS.toNanos(10);
      }
    }
  }

  /**
   * Waits until the writes that follow the statuses are done for {@code n} more Services: two
   * Events (IPAllocated, nodeAssigned) and one ServiceBGPStatus with its status each, counted by
   * the sandbox since {@code before}; then {@code herald.bench.settle-ms} (default 1 s) for
   * stragglers (a second write of one object would show in the counts printed next).
   */
  private static void awaitWritten(SandboxApi api, java.util.Map<String, Long> before, int n) throws InterruptedException {
    java.util.function.ToLongFunction<String> since = what -> api.requests().getOrDefault(what, 0L) - before.getOrDefault(what, 0L);
    await(() -> (int) Math.min(Math.min(since.applyAsLong("POST events") / 2, since.applyAsLong("PUT servicebgpstatuses/status")),
        Integer.MAX_VALUE), n);
    Thread.sleep(Long.getLong("herald.bench.settle-ms", 1_000));
  }

  private static void requests(java.util.Map<String, Long> before, java.util.Map<String, Long> after, int n) {
    after.forEach((what, count) -> {
      long d = count - before.getOrDefault(what, 0L);
      if (d > 0) System.out.printf("  API requests %-36s %8d  %.2f per Service%n", what, d, (double) d / n);
    });
  }

  /**
   * How many cores the JVM kept busy, every half second: where the curve falls below the
   * machine's cores, work waited on something other than CPU (a journal write, one busy thread).
   */
  private static final class CoresBusy {
    private final List<Double> halves = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread sampler = new Thread(this::sample, "bench-cores-busy");

    static CoresBusy start() {
      CoresBusy busy = new CoresBusy();
      busy.sampler.setDaemon(true);
      busy.sampler.start();
      return busy;
    }

    private void sample() {
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu = os.getProcessCpuTime();
      long wall = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
        long c = os.getProcessCpuTime();
        long w = System.nanoTime();
        halves.add((double) (c - cpu) / (w - wall));
        cpu = c;
        wall = w;
      }
    }

    void stop() throws InterruptedException {
      sampler.interrupt();
      sampler.join();
      StringBuilder line = new StringBuilder("  cores busy, every half second:");
      for (double d : halves) line.append(String.format(" %.1f", d));
      System.out.println(line);
    }
  }

  /**
   * CPU time of the whole JVM and of each thread since it was made, for where the time goes:
   * threads are grouped by name with their numbers taken out ({@code vert.x-eventloop-thread-N}
   * serves the sandbox and both clients' HTTP; {@code pool-N-thread-N} are fabric8's informer and
   * watch threads). Measured, not sampled: a profiler misses time spent inside the JVM.
   */
  private static final class CpuByThread {
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private final long process = os.getProcessCpuTime();
    private final java.util.Map<Long, Long> start = new java.util.HashMap<>();
    private final java.util.Map<String, long[]> tasks = tasks();

    CpuByThread() {
      for (long id : threads.getAllThreadIds()) start.put(id, Math.max(0, threads.getThreadCpuTime(id)));
    }

    /**
     * Per live thread of this process, by thread group (the kernel's name of a thread, at most 15
     * characters, numbers taken out): {context switches, nanoseconds on a CPU} so far; empty where
     * there is no {@code /proc}. Unlike the JVM's thread list this includes the JVM's own threads
     * (garbage collector, compilers).
     */
    private static java.util.Map<String, long[]> tasks() {
      java.util.Map<String, long[]> by = new java.util.TreeMap<>();
      java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
      if (!Files.isDirectory(tasks)) return by;
      try (var dirs = Files.list(tasks)) {
        for (var d : (Iterable<java.nio.file.Path>) dirs::iterator) {
          try {
            String name = Files.readString(d.resolve("comm")).strip().replaceAll("\\d+", "N");
            long[] sum = by.computeIfAbsent(name, k -> new long[2]);
            for (String l : Files.readAllLines(d.resolve("status"))) {
              if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
                sum[0] += Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
              }
            }
            sum[1] += Long.parseLong(Files.readString(d.resolve("schedstat")).strip().split(" ")[0]);
          } catch (java.io.IOException gone) {
            // the thread ended meanwhile
          }
        }
      } catch (java.io.IOException e) {
        by.clear();
      }
      return by;
    }

    void print(int n) {
      double all = (os.getProcessCpuTime() - process) / 1e6;
      var byGroup = new java.util.TreeMap<String, Double>();
      for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) continue;
        long now = threads.getThreadCpuTime(info.getThreadId());
        if (now < 0) continue;
        double ms = (now - start.getOrDefault(info.getThreadId(), 0L)) / 1e6;
        byGroup.merge(info.getThreadName().replaceAll("\\d+", "N"), ms, Double::sum);
      }
      System.out.printf("  CPU used meanwhile: %.1f s = %.2f ms per Service (user and kernel, every thread)%n", all / 1000, all / n);
      var now = tasks();
      if (!now.isEmpty()) {
        var switches = new java.util.TreeMap<String, Long>();
        var jvm = new java.util.TreeMap<String, Double>();
        now.forEach((k, v) -> {
          long[] was = tasks.getOrDefault(k, new long[2]);
          switches.put(k, v[0] - was[0]);
          // The JVM's own threads, which its thread list leaves out (numbers read N: C1 is "CN").
          if (k.matches("GC Thread.*|G1 .*|CN Compiler.*|VM Thread|VM Periodic.*")) jvm.put(k, (v[1] - was[1]) / 1e6);
        });
        long total = switches.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("  context switches meanwhile: %.1f per Service (threads alive at the end), most by%n", (double) total / n);
        switches.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
            .forEach(e -> System.out.printf("    %5.1f per Service  %s%n", (double) e.getValue() / n, e.getKey()));
        System.out.println("  CPU of the JVM's own threads:");
        jvm.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
            .forEach(e -> System.out.printf("    %5.1f %%  %.3f ms per Service  %s%n", 100 * e.getValue() / all, e.getValue() / n, e.getKey()));
      }
      System.out.println("  CPU by thread:");
      byGroup.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
          .filter(e -> e.getValue() >= all / 100)
          .forEach(e -> System.out.printf("    %5.1f %%  %.3f ms per Service  %s%n", 100 * e.getValue() / all, e.getValue() / n, e.getKey()));
    }
  }
}
