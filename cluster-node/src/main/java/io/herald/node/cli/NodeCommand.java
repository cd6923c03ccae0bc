package io.herald.node.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.herald.allocator.config.ConfigError;
import io.herald.allocator.config.ConfigLoader;
import io.herald.allocator.config.HeraldConfig;
import io.herald.k8s.event.EventSources;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.informer.InformerStartException;
import io.herald.k8s.informer.WatchEventSerialization;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.k8s.ClusterWiring;
import io.herald.node.l2.L2Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald node}: runs one Herald node until SIGTERM or SIGINT, which drain its BGP sessions
 * (graceful shutdown community, drain time, withdraw, Cease), leave the cluster and exit 0.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    // A node that cannot start is one failure to its supervisor (kubelet, systemd), whatever the
    // cause: bad flags exit 1 like an unreachable API or an invalid configuration.
    exitCodeOnInvalidInput = 1,
    description = {
        "Run a Herald node: join the cluster, own Service IPs, announce them to the BGP peers.",
        "SIGTERM drains (RFC 8326 graceful shutdown), withdraws, closes the sessions, leaves the cluster and exits 0.",
        "Exit codes: 0 stopped by a signal, 1 anything that kept it from starting or running."})
public final class NodeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, arity = "1..*", paramLabel = "FILE",
      description = "MetalLB configuration: metallb.io resources, a legacy config or Helm values (repeatable).")
  List<Path> configFiles = new ArrayList<>();

  @Option(names = "--node-name", required = true, paramLabel = "NAME",
      description = "This node's Kubernetes name (peer and advertisement node selectors match its labels).")
  String nodeName;

  @Option(names = "--node-label", paramLabel = "KEY=VALUE",
      description = "A label of this node for node selectors, until the watcher reads them (repeatable).")
  Map<String, String> nodeLabels = new LinkedHashMap<>();

  /** Where Kubernetes mounts a pod's ServiceAccount token and CA. */
  static final String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubernetes client configuration.")
  Path kubeconfig;

  @Option(names = "--in-cluster",
      description = {"Read the cluster as the pod's ServiceAccount (the API server from KUBERNETES_SERVICE_HOST/PORT,",
          "the token and CA under /var/run/secrets/kubernetes.io/serviceaccount); what the Helm chart passes."})
  boolean inCluster;

  @Option(names = "--http", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:7472",
      converter = CliConverters.SocketAddressConverter.class,
      description = "Management HTTP address: /alive, /ready, /metrics, /api/v1/... (default ${DEFAULT-VALUE}).")
  InetSocketAddress http;

  @Option(names = "--bind", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:25520",
      converter = CliConverters.SocketAddressConverter.class,
      description = "Cluster remoting address (default ${DEFAULT-VALUE}).")
  InetSocketAddress bind;

  @Option(names = "--seed-nodes", paramLabel = "ADDR:PORT", split = ",",
      converter = CliConverters.SocketAddressConverter.class,
      description = {"Remoting addresses of nodes to join (comma-separated); none: start a new one-node cluster.",
          "Give every node the same list, first node first: the first seed forms the cluster if no other answers."})
  List<InetSocketAddress> seedNodes = new ArrayList<>();

  @Option(names = "--kubernetes-bootstrap", paramLabel = "NAME",
      description = {"Form the cluster with Pekko cluster bootstrap: find the pods labelled with NAME through",
          "the Kubernetes API (in place of --seed-nodes)."})
  String bootstrapService;

  @Option(names = "--required-contact-points", paramLabel = "N", defaultValue = "1",
      description = "With --kubernetes-bootstrap: pods that must be found before a new cluster forms (default ${DEFAULT-VALUE}).")
  int requiredContactPoints;

  @Option(names = "--pod-label-selector", paramLabel = "SELECTOR", defaultValue = "app.kubernetes.io/name=%s",
      description = "With --kubernetes-bootstrap: label selector of the pods; %%s is NAME (default ${DEFAULT-VALUE}).")
  String podLabelSelector;

  @Option(names = "--journal", paramLabel = "h2:PATH|postgres:URL", defaultValue = "h2:./herald-journal",
      description = "Where allocations are persisted (default ${DEFAULT-VALUE}).")
  String journal;

  @Option(names = "--drain-time", paramLabel = "DURATION", defaultValue = "5s",
      converter = CliConverters.DurationConverter.class,
      description = "How long routes carry GRACEFUL_SHUTDOWN before they are withdrawn on shutdown (default ${DEFAULT-VALUE}).")
  Duration drainTime;

  @Option(names = "--namespace", paramLabel = "NAME", defaultValue = "metallb-system",
      description = "With --kubeconfig or --in-cluster: the namespace holding the metallb.io configuration (default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--informer-timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = CliConverters.DurationConverter.class,
      description = "With --kubeconfig or --in-cluster: how long to wait for the informers to sync (default ${DEFAULT-VALUE}).")
  Duration informerTimeout;

  @Option(names = "--fast-failure-detection",
      description = {"Detect a failed node in well under a second (LAN failure detector, see docs/layer2.md):",
          "Layer 2 IPs then move to another node in under a second."})
  boolean fastFailureDetection;

  @Option(names = "--lb-class", paramLabel = "NAME", defaultValue = "${env:HERALD_LOAD_BALANCER_CLASS}",
      description = {"Handle only Services whose spec.loadBalancerClass is NAME; without it (or empty), only Services",
          "without a class, as MetalLB's --lb-class (default: the environment variable HERALD_LOAD_BALANCER_CLASS)."})
  String loadBalancerClass;

  @Option(names = "--event-component-speaker", paramLabel = "NAME", defaultValue = MetallbEvents.SPEAKER,
      description = "source.component of the Events about announcing and configuration (default ${DEFAULT-VALUE}).")
  String speakerComponent;

  @Option(names = "--event-component-controller", paramLabel = "NAME", defaultValue = MetallbEvents.CONTROLLER,
      description = "source.component of the Events about addresses and annotations (default ${DEFAULT-VALUE}).")
  String controllerComponent;

  /** The Events' source components; throws ParameterException with one line when one is empty. */
  EventSources eventSources() {
    try {
      return new EventSources(speakerComponent, controllerComponent);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--event-component-speaker and --event-component-controller must not be empty");
    }
  }

  /** Checks the flags and loads the configuration; throws ParameterException with one line. */
  NodeSettings settings() {
    CommandLine cl = spec.commandLine();
    NodeSettings.Journal j;
    try {
      j = NodeSettings.Journal.parse(journal);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "--journal: " + e.getMessage());
    }
    if (inCluster && kubeconfig != null) {
      throw new CommandLine.ParameterException(cl, "--in-cluster and --kubeconfig exclude each other: give one");
    }
    if (inCluster && (System.getenv("KUBERNETES_SERVICE_HOST") == null
        || !Files.isReadable(Path.of(SERVICE_ACCOUNT, "token")))) {
      throw new CommandLine.ParameterException(cl,
          "--in-cluster: not in a pod (no KUBERNETES_SERVICE_HOST or no " + SERVICE_ACCOUNT + "/token)");
    }
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw new CommandLine.ParameterException(cl, "--kubeconfig " + kubeconfig + ": cannot read");
    }
    if (bootstrapService != null && !seedNodes.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "--kubernetes-bootstrap and --seed-nodes exclude each other");
    }
    try {
      Optional<NodeSettings.KubernetesBootstrap> bootstrap = bootstrapService == null ? Optional.empty()
          : Optional.of(new NodeSettings.KubernetesBootstrap(bootstrapService, requiredContactPoints, podLabelSelector));
      // An empty class (the chart's default value of HERALD_LOAD_BALANCER_CLASS) means none.
      Optional<String> lbClass = Optional.ofNullable(loadBalancerClass).filter(c -> !c.isBlank());
      return new NodeSettings(nodeName, nodeLabels, bind, http, seedNodes, j, drainTime, Optional.ofNullable(kubeconfig),
          bootstrap, lbClass);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  /** The configuration files as one configuration, or null after printing every error. */
  HeraldConfig loadConfig(PrintWriter err) {
    List<ConfigLoader.Source> sources = new ArrayList<>();
    for (Path f : configFiles) {
      try {
        sources.add(new ConfigLoader.Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        err.println(f + ": cannot read: " + e.getMessage());
        return null;
      }
    }
    ConfigLoader.Result r = ConfigLoader.load(sources);
    if (r instanceof ConfigLoader.Result.Invalid invalid) {
      for (ConfigError e : invalid.errors()) {
        err.println(e);
      }
      return null;
    }
    return ((ConfigLoader.Result.Valid) r).config();
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NodeSettings settings = settings();
    EventSources sources = eventSources();
    HeraldConfig config = loadConfig(err);
    if (config == null) {
      err.flush();
      return 1;
    }
    HeraldNode node = HeraldNode.start(settings, config,
        fastFailureDetection ? L2Settings.lanFailureDetector() : ConfigFactory.empty());
    ClusterWiring wiring = null;
    if (settings.kubeconfig().isPresent() || inCluster) {
      String through = inCluster ? "the pod's ServiceAccount" : settings.kubeconfig().get().toString();
      try {
        wiring = readCluster(node, clientConfig(settings), sources);
      } catch (InformerStartException | KubernetesClientException | IOException | IllegalArgumentException e) {
        // Stopped first: the line comes after the node's shutdown logs, as the last word.
        node.stop().toCompletableFuture().join();
        err.println("herald node: cannot read the cluster through " + through + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    AtomicBoolean asked = new AtomicBoolean();
    Runnable stop = () -> {
      if (asked.compareAndSet(false, true)) {
        node.stop();
      }
    };
    // Replace the JVM's default SIGTERM/SIGINT handling (which would run shutdown hooks and exit
    // 143): CoordinatedShutdown drains and leaves, then call() returns 0.
    Signals.on("TERM", stop);
    Signals.on("INT", stop);
    out.println("node " + settings.nodeName() + " up: cluster " + node.system().address() + ", management http://"
        + settings.http().getAddress().getHostAddress() + ":" + settings.http().getPort() + ", "
        + config.summary());
    out.flush();
    node.whenStopped().toCompletableFuture().join();
    if (wiring != null) {
      wiring.close();
    }
    if (!asked.get()) {
      // Not our signal: downed by the split-brain resolver, or a fatal error.
      err.println("node " + settings.nodeName() + " stopped: removed from the cluster");
      err.flush();
      return 1;
    }
    out.println("node " + settings.nodeName() + " stopped");
    out.flush();
    return 0;
  }

  /** The client configuration: the kubeconfig file, or the pod's in-cluster configuration. */
  private Config clientConfig(NodeSettings settings) throws IOException {
    if (settings.kubeconfig().isPresent()) {
      return Config.fromKubeconfig(Files.readString(settings.kubeconfig().get(), StandardCharsets.UTF_8));
    }
    // In a pod fabric8 finds the API server, token and CA of the ServiceAccount (checked above).
    return Config.autoConfigure(null);
  }

  /** Starts the informers and the wiring; the client lives as long as the process. */
  private ClusterWiring readCluster(HeraldNode node, Config config, EventSources sources) {
    KubernetesClient client = WatchEventSerialization.client(config);
    try {
      return ClusterWiring.start(node, client, new ClusterInformers.Settings(namespace, informerTimeout), sources);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Runs {@code herald node} alone (for process tests and scripts), with the one-line error handling of {@code herald}. */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "node";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(HeraldCommand.newCommandLine().execute(all));
  }
}
