package io.herald.k8s.bench;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.k8s.config.ConfigSource;
import io.herald.k8s.config.ConfigState;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.informer.Objects8;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.watcher.DirtySink;
import io.herald.k8s.watcher.EndpointWatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The watcher benchmark: N Services (ETP Local, one EndpointSlice each with endpoints on three of M
 * nodes) in the sandbox API, one watcher deciding for node {@code node-0}. Measures
 *
 * <ul>
 *   <li>the time from an EndpointSlice update sent to the API until the changed decision reaches
 *       the watcher's subscriber, over C changes that each flip the decision (a pod moves onto or
 *       off {@code node-0}), split into API + watch delivery (request sent until the informer
 *       callback runs) and the watcher (callback until the decision arrives);
 *   <li>the cost of a full resync ({@code AllDirty}: every Service evaluated against the caches).
 * </ul>
 *
 * <p>Run: see {@code docs/watcher-benchmark.md}. Arguments: {@code [services] [nodes] [changes]},
 * default 10000 50 1000.
 */
public final class WatcherBenchmark {

  private static final String ME = "node-0";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final int services;
  private final int nodes;
  private final KubernetesClient client;
  private final Random random = new Random(20240601L);
  /** Whether the Service's slice has an endpoint on {@code node-0}: what the next change flips. */
  private final boolean[] local;

  private WatcherBenchmark(KubernetesClient client, int services, int nodes) {
    this.client = client;
    this.services = services;
    this.nodes = nodes;
    this.local = new boolean[services];
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "direct";
    int services = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int nodes = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int changes = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    System.out.println(machine());
    System.out.printf("mode %s: %d Services, %d nodes, %d changes%n", mode, services, nodes, changes);
    switch (mode) {
      case "sandbox" -> {
        try (SandboxApi api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0)) {
          new WatcherBenchmark(api.client(), services, nodes).runSandbox(changes);
        }
      }
      case "direct" -> new WatcherBenchmark(null, services, nodes).runDirect(changes);
      default -> throw new IllegalArgumentException("mode is sandbox or direct, not " + mode);
    }
    System.exit(0);
  }

  static String name(int i) {
    return "svc-" + i;
  }

  /** 2001:db8::/112 holds 65,536 addresses: one per Service, all in the documentation prefix. */
  static String ip(int i) {
    return "2001:db8::" + Integer.toHexString(i + 1);
  }

  EndpointSlice slice(int i, boolean onMe) {
    var b = new EndpointSliceBuilder().withNewMetadata().withName(name(i) + "-slice").withNamespace("default")
        .addToLabels("kubernetes.io/service-name", name(i)).endMetadata().withAddressType("IPv4");
    // Three endpoints on three consecutive nodes other than node-0, plus node-0 when onMe.
    List<Integer> on = new ArrayList<>();
    for (int k = 0; k < 3; k++) on.add(1 + (i + k) % (nodes - 1));
    if (onMe) on.add(0);
    int n = 1;
    for (int node : on) {
      b.addNewEndpoint().withAddresses("10.244." + (i % 250) + "." + n++).withNodeName("node-" + node)
          .withNewConditions().withReady(true).endConditions().endEndpoint();
    }
    return b.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
  }

  private void populate() throws Exception {
    for (int n = 0; n < nodes; n++) Objects8.node(client, "node-" + n, Map.of("rack", "r" + n % 5), false);
    Objects8.basicConfig(client, "2001:db8::/112");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      int svc = i;
      local[i] = i % 2 == 0;
      done.add(pool.submit(() -> {
        var created = client.services().inNamespace("default").resource(new ServiceBuilder()
            .withNewMetadata().withName(name(svc)).endMetadata()
            .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy("Local")
            .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
        created.setStatus(new ServiceStatusBuilder().withNewLoadBalancer()
            .withIngress(new LoadBalancerIngressBuilder().withIp(ip(svc)).build()).endLoadBalancer().build());
        client.services().inNamespace("default").resource(created).updateStatus();
        client.discovery().v1().endpointSlices().resource(slice(svc, local[svc])).create();
        return null;
      }));
    }
    long start = System.nanoTime();
    for (int i = 0; i < done.size(); i++) {
      done.get(i).get();
      if ((i + 1) % 1000 == 0) System.out.printf("  %d Services created, %.0f s%n", i + 1, (System.nanoTime() - start) / 1e9);
    }
    pool.shutdown();
  }

  /** A decision and when it reached the subscriber. */
  record Arrival(ServiceDecision decision, long nanos) {}

  private void runSandbox(int changes) throws Exception {
    long t = System.nanoTime();
    populate();
    System.out.printf("populated %d Services, %d EndpointSlices, %d nodes in %.1f s%n",
        services, services, nodes, (System.nanoTime() - t) / 1e9);

    ActorTestKit kit = ActorTestKit.create();
    BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    ActorRef<ServiceDecision> subscriber = kit.spawn(Behaviors.receive(ServiceDecision.class)
        .onMessage(ServiceDecision.class, d -> {
          arrivals.add(new Arrival(d, System.nanoTime()));
          return Behaviors.same();
        }).build());
    ClusterInformers informers = ClusterInformers.create(client, new ClusterInformers.Settings("metallb-system", WAIT));
    ActorRef<EndpointWatcher.Command> watcher =
        kit.spawn(EndpointWatcher.create(informers, AnnounceSettings.forNode(ME), subscriber));
    DirtySink toWatcher = EndpointWatcher.sink(watcher);
    // The informer callback time per Service: where API + watch delivery ends and the watcher begins.
    Map<ServiceKey, Long> callbackAt = new ConcurrentHashMap<>();
    DirtySink timed = new DirtySink() {
      @Override public void serviceDirty(ServiceKey key) {
        callbackAt.put(key, System.nanoTime());
        toWatcher.serviceDirty(key);
      }
      @Override public void allDirty() { toWatcher.allDirty(); }
      @Override public void synced() { toWatcher.synced(); }
    };

    t = System.nanoTime();
    informers.start(timed);
    long listed = System.nanoTime() - t;
    for (int i = 0; i < services; i++) take(arrivals, null);
    long firstPass = System.nanoTime() - t;
    System.out.printf("informers listed in %.2f s; first decision for every Service after %.2f s%n", listed / 1e9, firstPass / 1e9);

    int warmup = Math.min(200, changes);
    measure(warmup, arrivals, callbackAt);
    Samples s = measure(changes, arrivals, callbackAt);
    System.out.printf("EndpointSlice update sent -> decision at subscriber, %d changes: %s%n", changes, s.total.summary());
    System.out.printf("  of which API + watch (sent -> informer callback):  %s%n", s.api.summary());
    System.out.printf("  of which watcher (callback -> decision):          %s%n", s.watcher.summary());
    System.out.printf("  the update request itself (sent -> HTTP response): %s%n", s.request.summary());

    Stats resync = new Stats(new long[5]);
    for (int r = 0; r < 5; r++) resync.values[r] = fullResync(kit, watcher);
    System.out.printf("full resync (AllDirty, %d Services evaluated, nothing changed), 5 runs: %s%n", services, resync.summary());

    informers.close();
    kit.shutdownTestKit();
  }

  private Service service(int i) {
    return new ServiceBuilder()
        .withNewMetadata().withName(name(i)).withNamespace("default").withUid("uid-" + i).endMetadata()
        .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy("Local")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec()
        .withNewStatus().withNewLoadBalancer().withIngress(new LoadBalancerIngressBuilder().withIp(ip(i)).build())
        .endLoadBalancer().endStatus()
        .build();
  }

  /** The configuration of the sandbox mode, through the same validation: one pool, both advertisements, one peer. */
  private static ConfigView directConfig() {
    String pool = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: default, namespace: metallb-system}
        spec: {addresses: ["2001:db8::/112"]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPAdvertisement
        metadata: {name: bgp, namespace: metallb-system}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: l2, namespace: metallb-system}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: tor, namespace: metallb-system}
        spec: {myASN: 64512, peerASN: 64513, peerAddress: 192.0.2.254}
        """;
    ObjectRef ref = new ObjectRef("v1", "ConfigMap", "metallb-system", "bench", "");
    ConfigState s = ConfigState.INITIAL.next(List.of(new ConfigSource(ref, pool, false)));
    return s.current().orElseThrow(() -> new IllegalStateException(s.status().errorSummary())).view();
  }

  /**
   * Without an API server: the watcher reads a {@link CacheSource}, and one "informer" thread
   * replaces an EndpointSlice in it and marks the Service dirty, as fabric8's event thread does.
   * Latency runs from just before the cache update to the decision at the subscriber.
   */
  private void runDirect(int changes) throws Exception {
    List<Node> nodeObjects = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      nodeObjects.add(new NodeBuilder().withNewMetadata().withName("node-" + n).addToLabels("rack", "r" + n % 5).endMetadata()
          .withNewStatus().addNewCondition().withType("NetworkUnavailable").withStatus("False").endCondition().endStatus().build());
    }
    CacheSource source = new CacheSource(nodeObjects, directConfig());
    for (int i = 0; i < services; i++) {
      local[i] = i % 2 == 0;
      source.putService(service(i));
      source.putSlice(slice(i, local[i]));
    }
    ActorTestKit kit = ActorTestKit.create();
    BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    ActorRef<ServiceDecision> subscriber = kit.spawn(Behaviors.receive(ServiceDecision.class)
        .onMessage(ServiceDecision.class, d -> {
          arrivals.add(new Arrival(d, System.nanoTime()));
          return Behaviors.same();
        }).build());
    ActorRef<EndpointWatcher.Command> watcher =
        kit.spawn(EndpointWatcher.create(source, AnnounceSettings.forNode(ME), subscriber));
    DirtySink sink = EndpointWatcher.sink(watcher);
    ExecutorService informerThread = Executors.newSingleThreadExecutor();

    long t = System.nanoTime();
    sink.synced();
    for (int i = 0; i < services; i++) take(arrivals, null);
    System.out.printf("first decision for every Service after %.2f s%n", (System.nanoTime() - t) / 1e9);

    Map<ServiceKey, Long> appliedAt = new ConcurrentHashMap<>();
    measureDirect(Math.min(2_000, changes * 2), source, sink, informerThread, arrivals, appliedAt);
    Stats one = measureDirect(changes, source, sink, informerThread, arrivals, appliedAt);
    System.out.printf("EndpointSlice change in the cache -> decision at subscriber, %d changes one at a time: %s%n",
        changes, one.summary());

    // A burst: the same number of changes to distinct Services, all at once.
    List<Integer> distinct = new ArrayList<>();
    for (int i = 0; i < services; i++) distinct.add(i);
    java.util.Collections.shuffle(distinct, random);
    List<Integer> burst = distinct.subList(0, Math.min(changes, services));
    long burstStart = System.nanoTime();
    informerThread.submit(() -> {
      for (int i : burst) {
        local[i] = !local[i];
        ServiceKey key = new ServiceKey("default", name(i));
        appliedAt.put(key, System.nanoTime());
        source.putSlice(slice(i, local[i]));
        sink.serviceDirty(key);
      }
    });
    long[] burstLatency = new long[burst.size()];
    for (int c = 0; c < burst.size(); c++) {
      Arrival a = take(arrivals, null);
      burstLatency[c] = a.nanos() - appliedAt.get(a.decision().key());
    }
    System.out.printf("burst of %d changes to distinct Services: all decided after %.1f ms; per change %s%n",
        burst.size(), (System.nanoTime() - burstStart) / 1e6, new Stats(burstLatency).summary());

    Stats resync = new Stats(new long[5]);
    for (int r = 0; r < 5; r++) resync.values[r] = fullResync(kit, watcher);
    System.out.printf("full resync (AllDirty, %d Services evaluated, nothing changed), 5 runs: %s%n", services, resync.summary());
    informerThread.shutdown();
    kit.shutdownTestKit();
  }

  private Stats measureDirect(int changes, CacheSource source, DirtySink sink, ExecutorService informerThread,
      BlockingQueue<Arrival> arrivals, Map<ServiceKey, Long> appliedAt) throws Exception {
    long[] total = new long[changes];
    for (int c = 0; c < changes; c++) {
      int i = random.nextInt(services);
      local[i] = !local[i];
      ServiceKey key = new ServiceKey("default", name(i));
      EndpointSlice next = slice(i, local[i]);
      informerThread.submit(() -> {
        appliedAt.put(key, System.nanoTime());
        source.putSlice(next);
        sink.serviceDirty(key);
      });
      Arrival a = take(arrivals, key);
      total[c] = a.nanos() - appliedAt.get(key);
    }
    return new Stats(total);
  }

  record Samples(Stats total, Stats api, Stats watcher, Stats request) {}

  private Samples measure(int changes, BlockingQueue<Arrival> arrivals, Map<ServiceKey, Long> callbackAt) throws Exception {
    long[] total = new long[changes];
    long[] api = new long[changes];
    long[] watch = new long[changes];
    long[] request = new long[changes];
    for (int c = 0; c < changes; c++) {
      int i = random.nextInt(services);
      local[i] = !local[i];
      ServiceKey key = new ServiceKey("default", name(i));
      EndpointSlice next = slice(i, local[i]);
      callbackAt.remove(key);
      long sent = System.nanoTime();
      client.discovery().v1().endpointSlices().resource(next).update();
      long answered = System.nanoTime();
      Arrival a = take(arrivals, key);
      Long cb = callbackAt.get(key);
      total[c] = a.nanos() - sent;
      request[c] = answered - sent;
      api[c] = cb == null ? 0 : cb - sent;
      watch[c] = cb == null ? 0 : a.nanos() - cb;
    }
    return new Samples(new Stats(total), new Stats(api), new Stats(watch), new Stats(request));
  }

  private static Arrival take(BlockingQueue<Arrival> arrivals, ServiceKey expected) throws InterruptedException {
    Arrival a = arrivals.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (a == null) throw new IllegalStateException("no decision within " + WAIT + (expected == null ? "" : " for " + expected));
    if (expected != null && !a.decision().key().equals(expected)) {
      throw new IllegalStateException("decision for " + a.decision().key() + " while waiting for " + expected);
    }
    return a;
  }

  private long fullResync(ActorTestKit kit, ActorRef<EndpointWatcher.Command> watcher) throws Exception {
    long before = stats(kit, watcher).evaluations();
    long t = System.nanoTime();
    watcher.tell(EndpointWatcher.AllDirty.INSTANCE);
    while (true) {
      EndpointWatcher.Stats s = stats(kit, watcher);
      if (s.evaluations() - before >= services && s.pending() == 0) return System.nanoTime() - t;
      Thread.sleep(1);
    }
  }

  private static EndpointWatcher.Stats stats(ActorTestKit kit, ActorRef<EndpointWatcher.Command> watcher) throws Exception {
    return AskPattern.<EndpointWatcher.Command, EndpointWatcher.Stats>ask(
            watcher, EndpointWatcher.GetStats::new, WAIT, kit.scheduler())
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Nanosecond samples. */
  record Stats(long[] values) {
    String summary() {
      long[] v = values.clone();
      Arrays.sort(v);
      return String.format("p50 %s, p90 %s, p99 %s, max %s", ms(pct(v, 50)), ms(pct(v, 90)), ms(pct(v, 99)), ms(v[v.length - 1]));
    }

    private static long pct(long[] sorted, int p) {
      int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static String ms(long nanos) {
      return String.format("%.3f ms", nanos / 1e6);
    }
  }

  private static String machine() {
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException e) {
      // not Linux: leave it unknown
    }
    Runtime rt = Runtime.getRuntime();
    return String.format("JDK %s, %s %s, %d cores (%s), max heap %d MB", Runtime.version(), System.getProperty("os.name"),
        System.getProperty("os.arch"), rt.availableProcessors(), cpu, rt.maxMemory() >> 20);
  }
}
