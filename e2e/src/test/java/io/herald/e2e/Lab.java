package io.herald.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A whole bare-metal network in network namespaces: a router (BIRD or FRR) with a LAN bridge, three
 * node namespaces each running a real {@code herald node} process and an {@link EchoServer}, a
 * client namespace behind the router, the sandbox Kubernetes API and the shared PostgreSQL journal
 * in the router namespace. Documentation ranges only; no namespace has a route out.
 *
 * <pre>
 *  node1 eth0 192.0.2.11/24 ─┐
 *  node2 eth0 192.0.2.12/24 ─┼─ br0 192.0.2.1/24 [rtr] cli0 198.51.100.1/25 ── eth0 198.51.100.10/25 [cli]
 *  node3 eth0 192.0.2.13/24 ─┘                   up0 198.51.100.130/30 ── he2e* 198.51.100.129/30 (root)
 * </pre>
 *
 * The root namespace gets only the /30 towards the router, to reach the sandbox API (on
 * 198.51.100.130) from the test: a route into the lab, never out of it. Service pools are the
 * seed's, moved into 203.0.113.0/24 ({@code lab-values.yaml}).
 */
final class Lab implements AutoCloseable {
  static final String ROUTER_LAN = "192.0.2.1";
  static final String API_ADDRESS = "198.51.100.130";
  static final String CLIENT = "198.51.100.10";
  static final int API_PORT = 6443;
  static final int HOLD_SECONDS = 3;
  static final String NAMESPACE = "default";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Which daemon routes. */
  enum RouterKind { BIRD, FRR }

  final String id = HexFormat.of().formatHex(RANDOM.generateSeed(3));
  final Path dir;
  /** The router running now: the lab's first, or the one {@link #useRouter} switched to. */
  RouterKind routerKind;
  private final List<String> neighbors = new ArrayList<>();
  private final List<Netns> namespaces = new ArrayList<>();
  private final List<Proc> processes = new ArrayList<>();
  Netns rtr;
  Netns cli;
  final Netns[] nodeNs = new Netns[3];
  final Proc[] nodes = new Proc[3];
  private final int[] nodeStarts = new int[3];
  Router router;
  KubernetesClient client;
  private Path kubeconfig;

  /** Address of the reference BIRD speaker ({@link #startWithReference}): a fourth "node" that runs BIRD, not Herald. */
  static final String REFERENCE = "192.0.2.14";
  static final String REFERENCE_PREFIX = "203.0.113.200/32";
  private final boolean reference;
  Netns refNs;
  BirdRouter referenceBird;

  private Lab(Path dir, RouterKind routerKind, boolean reference) {
    this.dir = dir;
    this.routerKind = routerKind;
    this.reference = reference;
  }

  /** Skips the calling test, with the reason, when the lab cannot run here. */
  static void assumeRunnable(RouterKind kind) {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "the end-to-end lab creates network namespaces: it needs root");
    for (String tool : List.of("ip", "nft", "runuser", "curl")) {
      Assumptions.assumeTrue(Cmd.find(tool).isPresent(), tool + " is not installed (bin/install-test-deps)");
    }
    if (kind == RouterKind.BIRD) {
      Assumptions.assumeTrue(Cmd.find("bird").isPresent() && Cmd.find("birdc").isPresent(),
          "bird2 is not installed (bin/install-test-deps)");
    } else {
      Assumptions.assumeTrue(FrrRouter.installed(), "frr is not installed (bin/install-test-deps)");
    }
    Assumptions.assumeTrue(postgresBin().isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (bin/install-test-deps)");
    Assumptions.assumeTrue(Files.isRegularFile(nodeJar()),
        nodeJar() + " is missing: build it with mvn -DskipTests package (failsafe runs after package)");
  }

  static Path nodeJar() {
    return Path.of(System.getProperty("herald.e2e.nodeJar", "../cluster-node/target/herald-node.jar"));
  }

  static Path nodeLib() {
    return Path.of(System.getProperty("herald.e2e.nodeLib", "../cluster-node/target/lib"));
  }

  /** Builds the topology and starts everything: router, journal, API, three nodes, echo servers. */
  static Lab start(RouterKind kind, Path dir) {
    return start(kind, dir, false);
  }

  /**
   * The lab plus a reference speaker: BIRD in a fourth namespace at {@value #REFERENCE}, AS
   * {@value Router#NODE_ASN}, announcing {@code announce} to the router with the nodes' hold time,
   * so that BIRD-to-BIRD numbers can be measured side by side with Herald's.
   */
  static Lab startWithReference(RouterKind kind, Path dir) {
    return start(kind, dir, true);
  }

  private static Lab start(RouterKind kind, Path dir, boolean reference) {
    Lab lab = new Lab(dir, kind, reference);
    try {
      lab.build();
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  static String nodeName(int i) {
    return "node" + (i + 1);
  }

  static String nodeAddress(int i) {
    return "192.0.2.1" + (i + 1);
  }

  static List<String> nodeAddresses() {
    return List.of(nodeAddress(0), nodeAddress(1), nodeAddress(2));
  }

  private Netns ns(String role) {
    Netns ns = Netns.create("he2e-" + id + "-" + role);
    namespaces.add(ns);
    return ns;
  }

  private void build() {
    rtr = ns("rtr");
    cli = ns("cli");
    rtr.ip("link", "add", "br0", "type", "bridge");
    rtr.ip("addr", "add", ROUTER_LAN + "/24", "dev", "br0");
    rtr.ip("link", "set", "br0", "up");
    // L4 hash: each new client connection may take another ECMP next hop
    rtr.sysctl("net.ipv4.ip_forward=1", "net.ipv4.fib_multipath_hash_policy=1");
    for (int i = 0; i < 3; i++) {
      nodeNs[i] = ns(nodeName(i));
      String peer = "n" + (i + 1);
      Cmd.run(Netns.ip(), "link", "add", "eth0", "netns", nodeNs[i].name(), "type", "veth", "peer", "name", peer,
          "netns", rtr.name()).orThrow();
      rtr.ip("link", "set", peer, "master", "br0");
      rtr.ip("link", "set", peer, "up");
      nodeNs[i].ip("addr", "add", nodeAddress(i) + "/24", "dev", "eth0");
      nodeNs[i].ip("link", "set", "eth0", "up");
      nodeNs[i].ip("route", "add", "198.51.100.0/24", "via", ROUTER_LAN);
    }
    Cmd.run(Netns.ip(), "link", "add", "eth0", "netns", cli.name(), "type", "veth", "peer", "name", "cli0", "netns",
        rtr.name()).orThrow();
    rtr.ip("addr", "add", "198.51.100.1/25", "dev", "cli0");
    rtr.ip("link", "set", "cli0", "up");
    cli.ip("addr", "add", CLIENT + "/25", "dev", "eth0");
    cli.ip("link", "set", "eth0", "up");
    cli.ip("route", "add", "203.0.113.0/24", "via", "198.51.100.1");
    cli.ip("route", "add", "192.0.2.0/24", "via", "198.51.100.1");
    String up = "he2e" + id;
    Cmd.run(Netns.ip(), "link", "add", up, "type", "veth", "peer", "name", "up0", "netns", rtr.name()).orThrow();
    Cmd.run(Netns.ip(), "addr", "add", "198.51.100.129/30", "dev", up).orThrow();
    Cmd.run(Netns.ip(), "link", "set", up, "up").orThrow();
    rtr.ip("addr", "add", API_ADDRESS + "/30", "dev", "up0");
    rtr.ip("link", "set", "up0", "up");

    neighbors.addAll(nodeAddresses());
    if (reference) {
      refNs = ns("ref");
      Cmd.run(Netns.ip(), "link", "add", "eth0", "netns", refNs.name(), "type", "veth", "peer", "name", "n4", "netns",
          rtr.name()).orThrow();
      rtr.ip("link", "set", "n4", "master", "br0");
      rtr.ip("link", "set", "n4", "up");
      refNs.ip("addr", "add", REFERENCE + "/24", "dev", "eth0");
      refNs.ip("link", "set", "eth0", "up");
      neighbors.add(REFERENCE);
    }
    startPostgres();
    writeValues();
    startApi();
    router = newRouter(routerKind);
    router.start();
    if (reference) {
      referenceBird = new BirdRouter(refNs, dir.resolve("bird-ref"), REFERENCE, Router.NODE_ASN, List.of(ROUTER_LAN),
          Router.ASN, HOLD_SECONDS, List.of(REFERENCE_PREFIX));
      referenceBird.start();
    }
    for (int i = 0; i < 3; i++) {
      String cp = testClasses().toString();
      processes.add(nodeNs[i].start("echo@" + nodeName(i), List.of(java(), "-Xmx32m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", cp, EchoServer.class.getName(), nodeName(i), "80"),
          dir.resolve("echo-" + nodeName(i) + ".log")));
    }
    for (int i = 0; i < 3; i++) {
      startNode(i);
    }
    for (int i = 0; i < 3; i++) {
      awaitNodeReady(i);
    }
  }

  private Router newRouter(RouterKind kind) {
    return switch (kind) {
      case BIRD -> BirdRouter.router(rtr, dir.resolve("bird"), ROUTER_LAN, neighbors, HOLD_SECONDS);
      case FRR -> new FrrRouter(rtr, dir.resolve("frr"), ROUTER_LAN, neighbors, HOLD_SECONDS);
    };
  }

  /**
   * Replaces the router by one of {@code kind} (nothing to do if it already is), keeping the
   * nodes, the API and the journal: the routes leave the FIB with the old daemon, and the new one
   * peers with every node again. Cheaper than a second lab by the whole build.
   */
  void useRouter(RouterKind kind) {
    if (kind == routerKind) {
      return;
    }
    router.stop();
    await("the FIB emptied by the stopped " + routerKind, Duration.ofSeconds(15), () -> fib().isEmpty());
    routerKind = kind;
    router = newRouter(kind);
    router.start();
    for (String n : neighbors) {
      await(n + " established at the " + kind + " router", Duration.ofSeconds(60), () -> router.established(n));
    }
  }

  private static Optional<Path> postgresBin() {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres"))
          && Files.isExecutable(b.resolve("initdb"))).max(Comparator.comparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The journal every node shares, as a real cluster's database: PostgreSQL on the router's LAN address. */
  private void startPostgres() {
    Path bin = postgresBin().orElseThrow();
    Path pg = dir.resolve("pg");
    try {
      Files.createDirectories(pg);
      Files.setPosixFilePermissions(pg, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Cmd.run("chown", "postgres:postgres", pg.toString()).orThrow();
    Cmd.run("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", pg.resolve("data").toString(),
        "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync").orThrow();
    Cmd.run("sh", "-c", "echo 'host all all 192.0.2.0/24 trust' >> " + pg.resolve("data/pg_hba.conf")).orThrow();
    Proc p = rtr.start("postgres", List.of("runuser", "-u", "postgres", "--", bin.resolve("postgres").toString(), "-D",
        pg.resolve("data").toString(), "-p", "5432", "-k", pg.toString(), "-c", "listen_addresses=" + ROUTER_LAN,
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"), dir.resolve("postgres.log"));
    processes.add(p);
    p.awaitLine(l -> l.contains("ready to accept connections"), Duration.ofSeconds(60));
  }

  private void startApi() {
    kubeconfig = dir.resolve("sandbox.kubeconfig");
    Proc api = rtr.start("sandbox-api", List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", nodeClasspath(),
        "io.herald.node.cli.HeraldCommand", "sandbox-api", "--bind", API_ADDRESS, "--port", String.valueOf(API_PORT),
        "--kubeconfig-out", kubeconfig.toString()), dir.resolve("sandbox-api.log"));
    processes.add(api);
    api.awaitLine(l -> l.contains("kubeconfig:"), Duration.ofSeconds(60));
    try {
      client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < 3; i++) {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName(nodeName(i))
          .addToLabels("kubernetes.io/hostname", nodeName(i)).endMetadata().build()).create();
    }
    // No MetalLB configuration in the cluster, as the Helm chart deploys it: the chart mounts
    // configInline as the nodes' --config file, which stays in force while the cluster holds none.
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  /** The seed's Helm values (deploy/examples/metallb-values.yaml) with the pools in 203.0.113.0/24 and a 3 s hold time. */
  private void writeValues() {
    try (var in = Lab.class.getResourceAsStream("/lab-values.yaml")) {
      Files.write(dir.resolve("lab-values.yaml"), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String nodeClasspath() {
    return nodeJar().toAbsolutePath() + ":" + nodeLib().toAbsolutePath() + "/*";
  }

  static Path testClasses() {
    try {
      return Path.of(Lab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts {@code herald node} in node namespace {@code i}, as bin/herald does, through {@code ip netns exec}. */
  void startNode(int i) {
    String seeds = String.join(",", nodeAddresses().stream().map(a -> a + ":25520").toList());
    nodes[i] = nodeNs[i].start(nodeName(i), List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // lab timing: the split-brain resolver decides after 5 s of stable unreachability (20 s in
        // production); the failure detector tolerates 6 s pauses, as two shared cores need
        "-Dpekko.cluster.split-brain-resolver.stable-after=5s",
        "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=6s",
        "-cp", nodeClasspath(), "io.herald.node.cli.HeraldCommand", "node",
        "--config", dir.resolve("lab-values.yaml").toString(), "--node-name", nodeName(i),
        "--kubeconfig", kubeconfig.toString(), "--http", nodeAddress(i) + ":7472",
        "--bind", nodeAddress(i) + ":25520", "--seed-nodes", seeds,
        "--journal", "postgres:jdbc:postgresql://" + ROUTER_LAN + ":5432/postgres?user=postgres",
        "--drain-time", "2s"), dir.resolve(nodeName(i) + "-" + (++nodeStarts[i]) + ".log"));
  }

  /** Waits until node {@code i} printed its start line, is ready and its session with the router is up. */
  void awaitNodeReady(int i) {
    nodes[i].awaitLine(l -> l.startsWith("node " + nodeName(i) + " up:"), Duration.ofSeconds(240));
    await(nodeName(i) + " ready", Duration.ofSeconds(120), () -> http(i, "/ready").ok());
    await(nodeName(i) + " established at the router", Duration.ofSeconds(30),
        () -> router.established(nodeAddress(i)));
  }

  /**
   * Waits until every node sees the three members Up and none unreachable ({@code
   * /cluster/members}). A scenario that cuts a node needs this: a node that rejoined a moment ago
   * and has not yet seen the others through its failure detector reports the cut node reachable,
   * and the split-brain resolver then downs the nodes on both sides of that disagreement.
   */
  void awaitClusterSettled() {
    await("every node sees three members Up and none unreachable", Duration.ofSeconds(90), () -> {
      for (int i = 0; i < 3; i++) {
        Cmd.Result r = http(i, "/cluster/members");
        if (!r.ok()) {
          return false;
        }
        JsonNode m;
        try {
          m = JSON.readTree(r.out());
        } catch (IOException e) {
          return false;
        }
        long up = 0;
        for (JsonNode member : m.path("members")) {
          up += "Up".equals(member.path("status").asText()) ? 1 : 0;
        }
        if (up != 3 || m.path("members").size() != 3 || !m.path("unreachable").isEmpty()) {
          return false;
        }
      }
      return true;
    });
  }

  /** Starts again every node that is not running (its links healed first), then waits for a settled cluster. */
  void restoreNodes() {
    for (int i = 0; i < 3; i++) {
      nodeNs[i].heal();
      if (!nodes[i].isAlive()) {
        startNode(i);
        awaitNodeReady(i);
      }
    }
    awaitClusterSettled();
  }

  /** SIGTERM: the node drains (graceful shutdown community), withdraws, leaves the cluster; its exit code. */
  int stopNode(int i) {
    return nodes[i].stop(Duration.ofSeconds(40));
  }

  int killNode(int i) {
    return nodes[i].kill();
  }

  private Cmd.Result http(int i, String path) {
    return nodeNs[i].exec("curl", "-sf", "-m", "5", "http://" + nodeAddress(i) + ":7472" + path);
  }

  /** GET /api/v1/services of node {@code i}: the cluster's Services with every node's decision. */
  JsonNode services(int i) {
    Cmd.Result r = http(i, "/api/v1/services");
    try {
      return JSON.readTree(r.orThrow().out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Service prefixes ({@code ip/32}) each node says it announces, by node address, from node {@code i}'s view. */
  Map<String, Set<String>> decisions(int i) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (JsonNode svc : services(i)) {
      for (JsonNode n : svc.path("nodes")) {
        int idx = Integer.parseInt(n.path("node").asText().substring(4)) - 1;
        Set<String> set = out.computeIfAbsent(nodeAddress(idx), k -> new TreeSet<>());
        if (n.path("announce").asBoolean()) {
          svc.path("ips").forEach(ip -> set.add(ip.asText() + "/32"));
        }
      }
    }
    return out;
  }

  // ---- Kubernetes side

  Service createService(String name, String externalTrafficPolicy, Map<String, String> annotations) {
    return client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToLabels("app", name)
        .addToAnnotations(annotations).endMetadata()
        .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(externalTrafficPolicy)
        .addToSelector("app", name).addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort()
        .endSpec().build()).create();
  }

  static EndpointSlice slice(String service, List<Integer> onNodes) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(service + "-1")
        .withNamespace(NAMESPACE).addToLabels("kubernetes.io/service-name", service).endMetadata()
        .withAddressType("IPv4");
    for (int n : onNodes) {
      b.addToEndpoints(new EndpointBuilder().withAddresses("10.244." + (n + 1) + ".7").withNodeName(nodeName(n))
          .withNewConditions().withReady(true).endConditions().build());
    }
    return b.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
  }

  /** Creates or replaces the Service's EndpointSlice with one ready endpoint on each of {@code onNodes}. */
  void setEndpoints(String service, List<Integer> onNodes) {
    var r = client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice(service, onNodes));
    if (client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName(service + "-1").get() == null) {
      r.create();
    } else {
      r.update();
    }
  }

  /** The Service's ingress IP once allocated. */
  String ingress(String name) {
    String[] ip = new String[1];
    await("ingress IP of " + name, Duration.ofSeconds(60), () -> {
      Service s = client.services().inNamespace(NAMESPACE).withName(name).get();
      var in = s == null || s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? null
          : s.getStatus().getLoadBalancer().getIngress();
      if (in == null || in.isEmpty() || in.get(0).getIp() == null) {
        return false;
      }
      ip[0] = in.get(0).getIp();
      return true;
    });
    return ip[0];
  }

  /** kube-proxy's part: the Service IP becomes local on node {@code i} (on {@code lo}, /32). */
  void host(int i, String ip) {
    nodeNs[i].exec(Netns.ip(), "addr", "replace", ip + "/32", "dev", "lo").orThrow();
  }

  void unhost(int i, String ip) {
    nodeNs[i].exec(Netns.ip(), "addr", "del", ip + "/32", "dev", "lo");
  }

  // ---- the router's FIB

  /** The router's kernel routes inside 203.0.113.0/24: prefix to the set of next hops. */
  Map<String, Set<String>> fib() {
    return parseRoutes(rtr.ip("-4", "route", "show", "root", "203.0.113.0/24").out());
  }

  Set<String> fib(String ip) {
    return fib().getOrDefault(ip + "/32", Set.of());
  }

  /** Parses {@code ip route show}: single-path ({@code via X}) and multipath ({@code nexthop via X}) routes. */
  static Map<String, Set<String>> parseRoutes(String text) {
    Map<String, Set<String>> out = new TreeMap<>();
    String current = null;
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] t = line.strip().split("\\s+");
      if (!Character.isWhitespace(line.charAt(0))) {
        current = t[0].contains("/") ? t[0] : t[0] + "/32";
        out.put(current, new TreeSet<>());
      }
      for (int k = 0; k + 1 < t.length; k++) {
        if (t[k].equals("via") && current != null) {
          out.get(current).add(t[k + 1]);
        }
      }
    }
    return out;
  }

  static Set<String> addresses(int... nodeIndexes) {
    Set<String> s = new TreeSet<>();
    for (int i : nodeIndexes) {
      s.add(nodeAddress(i));
    }
    return s;
  }

  // ---- traffic

  /** Starts the load client in the client namespace: {@code rate} requests/s for {@code seconds}, round robin over {@code ips}. */
  Proc load(int rate, int seconds, List<String> ips) {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", testClasses().toString(), LoadClient.class.getName(), String.valueOf(rate), String.valueOf(seconds)));
    cmd.addAll(ips);
    Proc p = cli.start("load", cmd, dir.resolve("load-" + System.nanoTime() + ".log"));
    processes.add(p);
    return p;
  }

  /** What the load client saw: answers per node, and failures. */
  record LoadResult(Map<String, Integer> answeredBy, int failed, List<String> failures) {
    static LoadResult of(Proc p, Duration timeout) {
      p.awaitLine(l -> l.startsWith("done "), timeout);
      return soFar(p);
    }

    /** The answers printed so far (for a client stopped before its end). */
    static LoadResult soFar(Proc p) {
      Map<String, Integer> by = new LinkedHashMap<>();
      List<String> failures = new ArrayList<>();
      for (String l : p.lines()) {
        String[] t = l.split(" ");
        if (t[0].equals("ok")) {
          by.merge(t[2], 1, Integer::sum);
        } else if (t[0].equals("fail")) {
          failures.add(l);
        }
      }
      return new LoadResult(by, failures.size(), failures);
    }

    /**
     * The failures no FIB change explains. The router's ECMP is stateless (RFC 2992 hash-threshold):
     * when a Service's set of next hops changes, flows are hashed anew, and a connection open at
     * that moment may land on a node that has no socket for it and resets it. So a failure is
     * explained when its request was in flight across a change of its Service's route:
     * {@code sent <= change <= failed + slack}, the slack covering the monitor's read of the change
     * after the kernel made it. A request sent after a change and failed all the same (no route, a
     * node that does not serve) is not explained.
     */
    List<String> failuresNotExplainedBy(List<FibMonitor.Change> changes, Duration slack) {
      List<String> out = new ArrayList<>();
      for (String f : failures) {
        String[] t = f.split(" ");
        String prefix = t[1] + "/32";
        long sent = Long.parseLong(t[4]);
        long failedAt = Long.parseLong(t[5]);
        boolean inFlight = changes.stream()
            .anyMatch(c -> c.prefix().equals(prefix) && c.nanos() >= sent && c.nanos() <= failedAt + slack.toNanos());
        if (!inFlight) {
          out.add(f);
        }
      }
      return out;
    }
  }

  // ---- helpers

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, condition, () -> "");
  }

  /** As {@link #await(String, Duration, BooleanSupplier)}; on time-out the message ends with {@code detail}. */
  static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        String more = detail.get();
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + (more.isEmpty() ? "" : "\n" + more));
      }
      pause(100);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Node {@code i}'s own account of the cluster, for a failure message: the members it sees
   * ({@code /cluster/members}, or why it did not answer) and every line it logged about
   * reachability, leadership, the split-brain resolver and its shutdown.
   */
  String clusterView(int i) {
    StringBuilder b = new StringBuilder("--- ").append(nodeName(i)).append(" /cluster/members: ");
    Cmd.Result members = http(i, "/cluster/members");
    b.append(members.ok() ? members.out().strip() : "no answer (curl exit " + members.exit() + ")").append('\n');
    if (nodes[i] != null) {
      nodes[i].lines().stream()
          .filter(l -> l.contains("REACHABLE") || l.contains("leader") || l.contains("SplitBrainResolver")
              || l.contains("Down") || l.contains("CoordinatedShutdown") || l.contains("stopped"))
          .forEach(l -> b.append(l).append('\n'));
    }
    return b.toString();
  }

  /** The last lines of every node's output, for failure messages. */
  String nodeTails() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      if (nodes[i] != null) {
        b.append("--- ").append(nodeName(i)).append('\n').append(nodes[i].tail(15)).append('\n');
      }
    }
    return b.toString();
  }

  /** Stops the nodes (SIGTERM, drained), the router and every other process, then deletes every namespace. */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    for (Proc p : nodes) {
      if (p != null && p.isAlive()) {
        p.stop(Duration.ofSeconds(15));
      }
    }
    if (router != null) {
      try {
        router.close();
      } catch (RuntimeException e) {
        // the namespace deletion below kills whatever is left
      }
    }
    for (Proc p : processes) {
      if (p.isAlive()) {
        p.stop(Duration.ofSeconds(5));
      }
    }
    for (Netns ns : namespaces) {
      ns.close();
    }
    Cmd.run(Netns.ip(), "link", "del", "he2e" + id);
    // the journal's data directory is large and worthless afterwards; the logs stay for reading
    Cmd.run("rm", "-rf", dir.resolve("pg").toString());
  }
}
