package io.herald.node.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.allocator.config.BgpPeer;
import io.herald.k8s.convert.ConfigSources;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.informer.WatchEventSerialization;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.k8s.ClusterWiring;
import io.herald.protocol.types.RouterId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Herald on one machine: the sandbox Kubernetes API, three nodes in this JVM forming one cluster
 * on loopback (H2 journal in a temporary directory), example Services, and a router the nodes
 * peer with. Built by {@link #start}; {@link #close} stops everything it started, in reverse.
 */
public final class Demo implements AutoCloseable {

  /** Which router the nodes peer with. */
  public enum RouterChoice { AUTO, BIRD, COLLECTOR }

  /**
   * @param values the seed's Helm values file: the configuration
   * @param router which router to run
   * @param kubeconfigOut where to write the sandbox's kubeconfig (removed on close)
   * @param http the first node's management HTTP address
   * @param drainTime how long the nodes' routes carry GRACEFUL_SHUTDOWN on the way out
   */
  public record Options(Path values, RouterChoice router, Path kubeconfigOut, InetSocketAddress http, Duration drainTime) {}

  /** An example Service: what it asks for and where its endpoints run. */
  public record Example(String name, String externalTrafficPolicy, Optional<String> pool, List<String> endpointNodes) {
    public Example {
      endpointNodes = List.copyOf(endpointNodes);
    }
  }

  /** A Service as the cluster shows it: address and pool from its status and annotation. */
  public record ServiceState(Example example, Optional<String> ip, Optional<String> pool) {}

  public static final String NAMESPACE = "default";
  public static final List<String> NODE_NAMES = List.of("node-a", "node-b", "node-c");
  /** One plain (the default pool), one asking for the public pool, one Local with endpoints on two nodes. */
  public static final List<Example> EXAMPLES = List.of(
      new Example("web", "Cluster", Optional.empty(), List.of("node-b")),
      new Example("edge", "Cluster", Optional.of("public"), List.of("node-c")),
      new Example("local", "Local", Optional.empty(), List.of("node-a", "node-c")));

  /** The pool annotation MetalLB reads on a Service. */
  public static final String POOL_REQUEST = "metallb.universe.tf/address-pool";

  /**
   * Several nodes in one JVM (one JMX name each), quiet logs; the demo stops the nodes itself,
   * not the JVM's shutdown hook.
   */
  private static final Config OVERRIDES = ConfigFactory.parseString("""
      pekko.loglevel = WARNING
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      """);

  private final Options options;
  private final Path workDir;
  private String routerNote = "";
  private DemoRouter router;
  private List<DemoConfig.Node> nodes = List.of();
  private DemoConfig.Derived derived;
  private SandboxApi api;
  private final List<HeraldNode> heraldNodes = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<ClusterWiring> wirings = new ArrayList<>();
  private boolean kubeconfigWritten;
  private boolean closed;

  private Demo(Options options, Path workDir) {
    this.options = options;
    this.workDir = workDir;
  }

  /** Starts everything; on failure stops what had started and rethrows. */
  public static Demo start(Options options) throws IOException {
    String seedText = Files.readString(options.values(), StandardCharsets.UTF_8);
    String seedName = options.values().toString();
    BgpPeer seedPeer = DemoConfig.seedPeer(seedName, seedText);
    Demo demo = new Demo(options, Files.createTempDirectory("herald-demo"));
    try {
      demo.startRouter(seedPeer);
      demo.derived = DemoConfig.derive(seedName, seedText, demo.router.address(), demo.router.port(),
          demo.router instanceof BirdRouter ? "BIRD" : "the route collector", demo.nodes);
      demo.startApi();
      demo.startNodes();
      demo.createExamples();
      return demo;
    } catch (RuntimeException e) {
      demo.close();
      throw e;
    }
  }

  private void startRouter(BgpPeer seedPeer) {
    RouterChoice choice = options.router();
    Optional<String> noBird = choice == RouterChoice.COLLECTOR ? Optional.of("the collector was asked for")
        : BirdRouter.unavailable();
    if (choice == RouterChoice.BIRD && noBird.isPresent()) {
      throw new IllegalStateException("BIRD cannot be the router: " + noBird.get());
    }
    List<DemoConfig.Node> list = new ArrayList<>();
    Optional<String> subnet = noBird.isEmpty() ? BirdRouter.freeSubnet() : Optional.empty();
    for (int i = 0; i < NODE_NAMES.size(); i++) {
      int n = i;
      list.add(new DemoConfig.Node(NODE_NAMES.get(i),
          subnet.map(s -> BirdRouter.sourceAddress(s, n)).orElse("127.0.0." + (11 + i))));
    }
    nodes = List.copyOf(list);
    if (subnet.isPresent()) {
      router = BirdRouter.start(subnet.get(), nodes, seedPeer.peerAsn(), seedPeer.myAsn(), workDir);
    } else {
      routerNote = choice == RouterChoice.AUTO ? "BIRD not used: " + noBird.get() : "";
      // The collector's identifier: the seed's router address when it is IPv4, as if it were that router.
      RouterId id = seedPeer.peerAddress().filter(a -> a.isV4()).map(a -> RouterId.parse(a.toString()))
          .orElse(RouterId.parse(CollectorRouter.ADDRESS));
      router = CollectorRouter.start(nodes.stream().map(DemoConfig.Node::sourceAddress).toList(),
          seedPeer.peerAsn(), seedPeer.myAsn(), id);
    }
  }

  private void startApi() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    api.writeKubeconfig(options.kubeconfigOut());
    kubeconfigWritten = true;
    KubernetesClient c = api.client();
    c.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("config").withNamespace("metallb-system").endMetadata()
        .addToData(ConfigSources.CONFIG_KEY, derived.legacyConfig()).build()).create();
    for (String n : NODE_NAMES) {
      c.nodes().resource(new NodeBuilder().withNewMetadata().withName(n)
          .addToLabels(DemoConfig.HOSTNAME_LABEL, n).endMetadata().build()).create();
    }
  }

  private void startNodes() {
    List<Integer> remoting = NODE_NAMES.stream().map(n -> freePort()).toList();
    List<InetSocketAddress> seeds = List.of(loopback(remoting.get(0)));
    NodeSettings.Journal journal = new NodeSettings.Journal.H2(workDir.resolve("journal"));
    for (int i = 0; i < NODE_NAMES.size(); i++) {
      String name = NODE_NAMES.get(i);
      InetSocketAddress http = i == 0 ? options.http() : loopback(freePort());
      NodeSettings settings = new NodeSettings(name, Map.of(DemoConfig.HOSTNAME_LABEL, name), loopback(remoting.get(i)),
          http, seeds, journal, options.drainTime(), Optional.of(options.kubeconfigOut()), Optional.empty());
      HeraldNode node = HeraldNode.start(settings, derived.config(), OVERRIDES);
      heraldNodes.add(node);
      KubernetesClient client = WatchEventSerialization.client(api.config());
      clients.add(client);
      wirings.add(ClusterWiring.start(node, client, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(30))));
    }
  }

  private void createExamples() {
    KubernetesClient c = api.client();
    for (Example e : EXAMPLES) {
      ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName(e.name()).withNamespace(NAMESPACE)
          .addToLabels("app", e.name()).endMetadata()
          .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(e.externalTrafficPolicy())
          .addToSelector("app", e.name())
          .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080).endPort().endSpec();
      e.pool().ifPresent(p -> b.editMetadata().addToAnnotations(POOL_REQUEST, p).endMetadata());
      c.services().inNamespace(NAMESPACE).resource(b.build()).create();
      EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(e.name() + "-1")
          .withNamespace(NAMESPACE).addToLabels("kubernetes.io/service-name", e.name()).endMetadata()
          .withAddressType("IPv4");
      int pod = 10;
      for (String node : e.endpointNodes()) {
        int n = NODE_NAMES.indexOf(node);
        slice.addNewEndpoint().withAddresses("10.244." + n + "." + pod++).withNodeName(node)
            .withNewConditions().withReady(true).endConditions().endEndpoint();
      }
      slice.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort();
      c.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice.build()).create();
    }
  }

  /** Each example Service with the address and pool the cluster shows for it. */
  public List<ServiceState> services() {
    List<ServiceState> out = new ArrayList<>();
    for (Example e : EXAMPLES) {
      Service s = api.client().services().inNamespace(NAMESPACE).withName(e.name()).get();
      Optional<String> ip = Optional.ofNullable(s).map(Service::getStatus).map(st -> st.getLoadBalancer())
          .map(lb -> lb.getIngress()).filter(in -> !in.isEmpty()).map(in -> in.get(0).getIp());
      Optional<String> pool = Optional.ofNullable(s).map(x -> x.getMetadata().getAnnotations())
          .map(a -> a.get(ServiceStatusWriter.POOL_ANNOTATION));
      out.add(new ServiceState(e, ip, pool));
    }
    return out;
  }

  /** The nodes whose addresses the router should see as next hops of {@code e}'s route. */
  public Set<String> expectedNextHops(Example e) {
    List<String> announcing = e.externalTrafficPolicy().equals("Local") ? e.endpointNodes() : NODE_NAMES;
    return nodes.stream().filter(n -> announcing.contains(n.name())).map(DemoConfig.Node::sourceAddress)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The router's next hops per prefix, by prefix. */
  public Map<String, Set<String>> nextHopsByPrefix() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (LearnedRoute r : router.table()) {
      out.computeIfAbsent(r.prefix(), p -> new TreeSet<>()).add(r.nextHop());
    }
    return out;
  }

  /** True once every example has an address and the router has exactly its expected paths. */
  public boolean converged() {
    Map<String, Set<String>> table = nextHopsByPrefix();
    for (ServiceState s : services()) {
      if (s.ip().isEmpty() || s.pool().isEmpty()) return false;
      if (!expectedNextHops(s.example()).equals(table.get(s.ip().get() + "/32"))) return false;
    }
    return true;
  }

  public DemoRouter router() {
    return router;
  }

  /** Why the collector runs instead of BIRD under {@code auto}, or empty. */
  public String routerNote() {
    return routerNote;
  }

  public List<DemoConfig.Node> nodes() {
    return nodes;
  }

  public DemoConfig.Derived config() {
    return derived;
  }

  public SandboxApi api() {
    return api;
  }

  public Options options() {
    return options;
  }

  public List<HeraldNode> heraldNodes() {
    return List.copyOf(heraldNodes);
  }

  /**
   * Stops in reverse order of start: the nodes one by one, last started first (each drains,
   * withdraws, sends Cease and leaves while the others still form a cluster to hand its shards
   * to), each with its cluster wiring; then the router and the API; then removes the kubeconfig
   * and the temporary directory. Safe to call twice.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (int i = heraldNodes.size() - 1; i >= 0; i--) {
      HeraldNode n = heraldNodes.get(i);
      try {
        n.stop().toCompletableFuture().get(options.drainTime().toSeconds() + 60, TimeUnit.SECONDS);
      } catch (Exception e) {
        n.system().terminate();
      }
      if (i < wirings.size()) wirings.get(i).close();
    }
    clients.forEach(KubernetesClient::close);
    if (router != null) router.close();
    if (api != null) api.close();
    try {
      if (kubeconfigWritten) Files.deleteIfExists(options.kubeconfigOut());
      deleteTree(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** Ports handed out by {@link #freePort()} in this run, not yet bound by their user. */
  private static final java.util.Set<Integer> usedPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A free port below the kernel's ephemeral range: a port the kernel picked for us (bind to 0)
   * comes from that range, and between our closing it and a node binding it, an outgoing
   * connection of an earlier node (to the API, to a seed) can be given the same port.
   */
  private static int freePort() {
    int start = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000);
    int limit = ephemeralLow();
    for (int port = start; port < limit; port++) {
      if (!usedPorts.contains(port) && bindable(port)) {
        usedPorts.add(port);
        return port;
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the ephemeral range (net.ipv4.ip_local_port_range), 32768 if unknown. */
  private static int ephemeralLow() {
    try {
      String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
