package io.herald.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import io.herald.allocator.pool.Allocation;
import io.herald.allocator.pool.ServiceKey;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import io.herald.node.ip.IpOwnerEntity;
import io.herald.node.k8s.ClusterWiring;
import io.herald.node.k8s.StatusOwner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Three nodes wired to one sandbox API, as three {@code herald node --kubeconfig} processes would
 * be (one JVM here: each node has its own ActorSystem, Kubernetes client, informers and writers).
 * Services are created concurrently by several client threads; every one must end with a distinct
 * address from the pool it asked for, its status written by exactly one node. Then the node
 * hosting the IP owner crashes in the middle of a second wave (its ActorSystem stops without
 * leaving and its informers and writers stop with it, as a SIGKILL does), and finally the whole
 * cluster restarts on the same journal. No address may change, go missing or be handed out twice.
 */
final class ConcurrentServicesScenario {

  static final String DEFAULT_POOL = "198.18.0.0/22";
  static final String PUBLIC_POOL = "198.19.0.0/23";
  private static final String NAMESPACE = "default";
  /** Services created in the first wave (all nodes up) and the second (one node crashes). */
  static final int FIRST_WAVE = Integer.getInteger("herald.test.first-wave", 1000);
  static final int SECOND_WAVE = Integer.getInteger("herald.test.second-wave", 200);
  private static final int CLIENT_THREADS = 8;
  private static final Duration WAIT = Duration.ofSeconds(240);

  /** The cluster's configuration: an auto-assign pool and one that must be asked for by name. */
  static final String LEGACY_CONFIG = """
      address-pools:
        - name: default
          protocol: bgp
          addresses: [%s]
        - name: public
          protocol: bgp
          auto-assign: false
          addresses: [%s]
      """.formatted(DEFAULT_POOL, PUBLIC_POOL);

  /** {@link #LEGACY_CONFIG} as metallb.io resources, for {@code --config}. */
  static final String COMMAND_LINE_CONFIG = """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: default}
      spec: {addresses: ["%s"]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: public}
      spec: {addresses: ["%s"], autoAssign: false}
      """.formatted(DEFAULT_POOL, PUBLIC_POOL);

  private final int firstWave;
  private final int secondWave;
  private final SandboxApi api;
  private final KubernetesClient client;
  private final List<Member> members = new ArrayList<>();
  /** Crashed or stopped nodes: their informers are closed at the end. */
  private final List<Member> stopped = new ArrayList<>();
  /** Every ingress address each Service was ever seen with, from the test's own informer. */
  private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();
  /** Successful status writes per Service: the node that made each one. */
  private final Map<String, List<String>> statusWrites = new ConcurrentHashMap<>();

  ConcurrentServicesScenario(int firstWave, int secondWave) {
    this.firstWave = firstWave;
    this.secondWave = secondWave;
    this.api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    this.client = api.client();
  }

  /** One node with its own client and wiring, like one {@code herald node --kubeconfig} process. */
  private final class Member {
    final String name;
    final HeraldNode node;
    final KubernetesClient client;
    final ClusterWiring wiring;

    Member(String name, HeraldNode node, KubernetesClient client, ClusterWiring wiring) {
      this.name = name;
      this.node = node;
      this.client = client;
      this.wiring = wiring;
    }

    String address() {
      return node.system().address().toString();
    }

    /**
     * The node's ActorSystem stops without leaving, as under SIGKILL: the IP owner and every ask
     * die with it, so its controller can no longer allocate or write. Its informers stay open
     * until the end of the test: the sandbox stops answering other clients for a while when a
     * client closes its watches while they are busy.
     */
    void crash() throws Exception {
      node.system().terminate();
      node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: drain, leave, stop (the informers stay open, as for a crash). */
    void stop() throws Exception {
      node.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
      node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    void closeWiring() {
      wiring.close();
      client.close();
    }
  }

  void run(NodeSettings.Journal journal) throws Exception {
    SharedIndexInformer<Service> watch = null;
    try {
      seedCluster();
      watch = client.services().inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Service s) {
          record(s);
        }

        @Override
        public void onUpdate(Service before, Service after) {
          record(after);
        }

        @Override
        public void onDelete(Service s, boolean unknown) {}
      });
      startMembers(journal, 3);

      // Wave one: every Service created concurrently while all three nodes are up.
      createConcurrently(0, firstWave, null);
      Map<String, String> first = awaitIngress(0, firstWave);
      assertDistinctFromTheRightPool(first);
      Map<String, String> owners = ownersNow();
      for (String svc : first.keySet()) {
        assertThat(statusWrites.get(svc)).as("status writes of %s", svc).containsExactly(owners.get(svc));
      }
      assertAllocatedEvents(first);

      // Wave two: the host of the IP owner crashes while the Services are being created.
      IpOwnerEntity.Snapshot before = snapshot(members.get(0));
      Member host = members.stream().filter(m -> m.address().equals(before.host())).findFirst().orElseThrow();
      CountDownLatch partWay = new CountDownLatch(secondWave / 3);
      Thread crash = new Thread(() -> {
        try {
          partWay.await();
          host.crash();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "crash-" + host.name);
      crash.start();
      createConcurrently(firstWave, firstWave + secondWave, partWay);
      crash.join();
      members.remove(host);
      stopped.add(host);
      Member survivor = members.get(0);
      await("the crashed node removed", () -> upMembers(survivor) == 2
          && Cluster.get(survivor.node.system()).state().getUnreachable().isEmpty());
      Map<String, String> all = awaitIngress(0, firstWave + secondWave);
      assertDistinctFromTheRightPool(all);
      assertThat(all).as("no address of wave one changed").containsAllEntriesOf(first);
      IpOwnerEntity.Snapshot afterCrash = snapshot(survivor);
      assertThat(afterCrash.host()).isNotEqualTo(before.host());
      assertThat(byName(afterCrash)).as("the IP owner holds what the API shows").isEqualTo(all);

      // A full restart: every node stops, three new ones start on the same journal.
      for (Member m : List.copyOf(members)) {
        m.stop();
        members.remove(m);
        stopped.add(m);
      }
      startMembers(journal, 3);
      Member fresh = members.get(0);
      await("allocations recovered", () -> byName(snapshot(fresh)).size() == all.size());
      assertThat(byName(snapshot(fresh))).as("every IP kept across a full restart").isEqualTo(all);
      createConcurrently(firstWave + secondWave, firstWave + secondWave + 3, null);
      Map<String, String> afterRestart = awaitIngress(0, firstWave + secondWave + 3);
      assertDistinctFromTheRightPool(afterRestart);
      assertThat(afterRestart).containsAllEntriesOf(all);

      // Over the whole run, from the first status to the last: one address per Service.
      for (String svc : afterRestart.keySet()) {
        assertThat(seen.get(svc)).as("every ingress %s was ever seen with", svc).hasSize(1);
      }
    } finally {
      for (Member m : members) {
        try {
          m.crash();
        } catch (Exception e) {
          // Keep tearing down the others.
        }
      }
      for (Member m : stopped) m.closeWiring();
      for (Member m : members) m.closeWiring();
      if (watch != null) watch.close();
      try {
        api.close();
      } catch (RuntimeException e) {
        // The sandbox may still hold a crashed client's watch open: nothing of the result.
      }
    }
  }

  private void seedCluster() {
    for (int i = 0; i < 3; i++) {
      String name = "node-" + i;
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
          .addToLabels("kubernetes.io/hostname", name).endMetadata().build()).create();
    }
    client.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("config").withNamespace("metallb-system").endMetadata()
        .addToData("config", LEGACY_CONFIG).build()).create();
  }

  private void startMembers(NodeSettings.Journal journal, int count) throws Exception {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) ports[i] = TestNodes.freePort();
    List<InetSocketAddress> seeds = List.of(TestNodes.loopback(ports[0]));
    // Three nodes: keep-majority, the production strategy, survives the loss of any one.
    Config conf = ConfigFactory.parseString("pekko.cluster.split-brain-resolver.active-strategy = keep-majority")
        .withFallback(TestNodes.FAST);
    // The same pools on the command line as in the cluster, as an operator gives them: a
    // restarted IP owner starts from its host's pools until the cluster's configuration arrives.
    HeraldConfig commandLine = TestNodes.config(COMMAND_LINE_CONFIG);
    List<HeraldNode> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(HeraldNode.start(TestNodes.settings("node-" + i, ports[i], seeds, journal, Duration.ZERO), commandLine,
          conf));
    }
    await(count + " members up", () -> started.stream().allMatch(n -> upMembers(n) == count));
    for (int i = 0; i < count; i++) {
      String name = "node-" + i;
      KubernetesClient own = new KubernetesClientBuilder().withConfig(api.config())
          .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("status-writes", new StatusWrites(name)))
          .build();
      ClusterWiring wiring = ClusterWiring.start(started.get(i), own,
          new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(60)));
      members.add(new Member(name, started.get(i), own, wiring));
    }
  }

  /** Records each successful status write of a Service and the node whose client made it. */
  private final class StatusWrites implements Interceptor {
    private final String node;

    StatusWrites(String node) {
      this.node = node;
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      String path = request.uri().getPath();
      String prefix = "/api/v1/namespaces/" + NAMESPACE + "/services/";
      if ("PATCH".equals(request.method()) && path.startsWith(prefix) && path.endsWith("/status")
          && response.code() / 100 == 2) {
        String svc = path.substring(prefix.length(), path.length() - "/status".length());
        statusWrites.computeIfAbsent(svc, k -> new CopyOnWriteArrayList<>()).add(node);
      }
    }
  }

  private void record(Service s) {
    var lb = s.getStatus() == null ? null : s.getStatus().getLoadBalancer();
    if (lb == null || lb.getIngress() == null) return;
    lb.getIngress().forEach(in -> seen.computeIfAbsent(s.getMetadata().getName(), k -> ConcurrentHashMap.newKeySet())
        .add(in.getIp()));
  }

  static String name(int i) {
    return "svc-%04d".formatted(i);
  }

  /** Every third Service asks for the public pool; the others take the auto-assign one. */
  static boolean wantsPublic(int i) {
    return i % 3 == 0;
  }

  private void createConcurrently(int from, int to, CountDownLatch created) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < to; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          Map<String, String> annotations = wantsPublic(n)
              ? Map.of("metallb.universe.tf/address-pool", "public") : Map.of();
          client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
              .withNewMetadata().withName(name(n)).withNamespace(NAMESPACE).addToAnnotations(annotations).endMetadata()
              .withNewSpec().withType("LoadBalancer").addToSelector("app", name(n))
              .addNewPort().withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
          if (created != null) created.countDown();
        }));
      }
      for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until Services [from, to) all show an ingress address; their addresses by name. */
  private Map<String, String> awaitIngress(int from, int to) throws InterruptedException {
    Map<String, String> ips = new TreeMap<>();
    await("ingress of Services " + from + ".." + (to - 1), () -> {
      ips.clear();
      for (Service s : client.services().inNamespace(NAMESPACE).list().getItems()) {
        var lb = s.getStatus() == null ? null : s.getStatus().getLoadBalancer();
        if (lb != null && lb.getIngress() != null && !lb.getIngress().isEmpty()) {
          // Distinct: the sandbox's merge patch can repeat an entry when two nodes write the same
          // status (a real API server replaces the list); two different addresses would be a bug.
          Set<String> distinct = new HashSet<>();
          lb.getIngress().forEach(in -> distinct.add(in.getIp()));
          assertThat(distinct).as("ingress of %s", s.getMetadata().getName()).hasSize(1);
          ips.put(s.getMetadata().getName(), distinct.iterator().next());
        }
      }
      for (int i = from; i < to; i++) {
        if (!ips.containsKey(name(i))) return false;
      }
      return true;
    });
    return Map.copyOf(ips);
  }

  private void assertDistinctFromTheRightPool(Map<String, String> ips) {
    assertThat(new HashSet<>(ips.values())).as("distinct addresses").hasSize(ips.size());
    Map<String, String> pools = new HashMap<>();
    client.services().inNamespace(NAMESPACE).list().getItems().forEach(s ->
        pools.put(s.getMetadata().getName(), s.getMetadata().getAnnotations().get(ServiceStatusWriter.POOL_ANNOTATION)));
    ips.forEach((svc, ip) -> {
      boolean pub = wantsPublic(Integer.parseInt(svc.substring(4)));
      assertThat(IpRange.of(pub ? PUBLIC_POOL : DEFAULT_POOL).contains(IpAddress.of(ip)))
          .as("%s got %s from %s", svc, ip, pub ? "public" : "default").isTrue();
      assertThat(pools.get(svc)).as("pool annotation of %s", svc).isEqualTo(pub ? "public" : "default");
    });
  }

  private void assertAllocatedEvents(Map<String, String> ips) throws InterruptedException {
    for (Member m : members) m.wiring.drainEvents();
    Map<String, List<String>> allocated = new HashMap<>();
    await("an IPAllocated Event for every Service", () -> {
      allocated.clear();
      for (Event e : client.v1().events().inNamespace(NAMESPACE).list().getItems()) {
        if ("IPAllocated".equals(e.getReason())) {
          allocated.computeIfAbsent(e.getInvolvedObject().getName(), k -> new ArrayList<>()).add(e.getMessage());
        }
      }
      return allocated.keySet().containsAll(ips.keySet());
    });
    ips.forEach((svc, ip) -> assertThat(allocated.get(svc)).as("IPAllocated of %s", svc)
        .containsOnly("Assigned IP [\"" + ip + "\"]"));
  }

  /** Who should write each Service's status now, by the same rule the nodes use. */
  private Map<String, String> ownersNow() {
    Map<String, String> byAddress = new HashMap<>();
    members.forEach(m -> byAddress.put(m.address(), m.name));
    Map<String, String> owners = new HashMap<>();
    for (int i = 0; i < firstWave + secondWave + 3; i++) {
      String svc = name(i);
      StatusOwner.owner(new ServiceKey(NAMESPACE, svc), byAddress.keySet())
          .ifPresent(a -> owners.put(svc, byAddress.get(a)));
    }
    return owners;
  }

  private static IpOwnerEntity.Snapshot snapshot(Member m) {
    return snapshot(m.node);
  }

  private static IpOwnerEntity.Snapshot snapshot(HeraldNode n) {
    try {
      return n.allocations().snapshot().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("snapshot: " + e, e);
    }
  }

  private static Map<String, String> byName(IpOwnerEntity.Snapshot s) {
    Map<String, String> m = new TreeMap<>();
    for (Allocation a : s.allocations()) {
      assertThat(a.ips()).hasSize(1);
      m.put(a.service().name(), a.ips().get(0).toString());
    }
    return m;
  }

  private static int upMembers(Member m) {
    return upMembers(m.node);
  }

  private static int upMembers(HeraldNode n) {
    int up = 0;
    for (var m : Cluster.get(n.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up()) up++;
    }
    return up;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(1000);
    }
  }
}
