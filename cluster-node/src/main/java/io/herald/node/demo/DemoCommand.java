package io.herald.node.demo;

import ch.qos.logback.classic.Level;
import io.herald.node.cli.CliConverters;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code herald demo}: Herald's main job on one machine, with nothing installed but a JDK. Runs
 * the sandbox API, three nodes, example Services and a router, prints what happened, then runs
 * until Ctrl-C, SIGTERM or {@code --duration}, stops everything and exits 0.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run Herald on this machine: a sandbox Kubernetes API, three nodes in one cluster configured",
        "by the seed's values file, three example Services, and a router the nodes peer with (BIRD in",
        "a network namespace as root with bird2 installed, otherwise Herald's own route collector).",
        "Ctrl-C or SIGTERM stops everything and exits 0."})
public final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--router", paramLabel = "bird|collector|auto", defaultValue = "${env:HERALD_DEMO_ROUTER:-auto}",
      description = "The router: BIRD, the route collector, or BIRD when possible (default ${DEFAULT-VALUE};"
          + " environment HERALD_DEMO_ROUTER).")
  String router;

  @Option(names = "--duration", paramLabel = "DURATION", converter = CliConverters.DurationConverter.class,
      description = "Stop after this long (default: run until interrupted).")
  Duration duration;

  @Option(names = "--kubeconfig-out", paramLabel = "FILE", defaultValue = "herald-demo.kubeconfig",
      description = "Where to write the sandbox API's kubeconfig; removed on exit (default ./${DEFAULT-VALUE}).")
  Path kubeconfigOut;

  @Option(names = "--http", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:7472",
      converter = CliConverters.SocketAddressConverter.class,
      description = "The first node's management HTTP address, where 'herald status' looks (default ${DEFAULT-VALUE}).")
  InetSocketAddress http;

  @Option(names = "--values", paramLabel = "FILE", defaultValue = "deploy/examples/metallb-values.yaml",
      description = "The seed's Helm values file: the configuration (default ${DEFAULT-VALUE}).")
  Path values;

  @Option(names = "--drain-time", paramLabel = "DURATION", defaultValue = "1s",
      converter = CliConverters.DurationConverter.class,
      description = "How long routes carry GRACEFUL_SHUTDOWN before the nodes withdraw them on exit (default ${DEFAULT-VALUE}).")
  Duration drainTime;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile Demo running;
  /** Off in tests, which must not take over the JVM's signals. */
  boolean handleSignals = true;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    Demo.RouterChoice choice = switch (router) {
      case "auto" -> Demo.RouterChoice.AUTO;
      case "bird" -> Demo.RouterChoice.BIRD;
      case "collector" -> Demo.RouterChoice.COLLECTOR;
      default -> throw new CommandLine.ParameterException(cl, "--router must be bird, collector or auto, was " + router);
    };
    if (!values.toFile().isFile()) {
      throw new CommandLine.ParameterException(cl, "--values " + values + ": no such file (run from the repository root)");
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new CommandLine.ParameterException(cl, "--duration must be positive");
    }
    quietLogs();
    PrintWriter out = cl.getOut();
    if (handleSignals) {
      Signal.handle(new Signal("INT"), s -> stop.countDown());
      Signal.handle(new Signal("TERM"), s -> stop.countDown());
    }
    out.println("== starting: a sandbox Kubernetes API, three Herald nodes, a router");
    out.flush();
    long t0 = System.nanoTime();
    try (Demo demo = Demo.start(new Demo.Options(values, choice, kubeconfigOut, http, drainTime))) {
      running = demo;
      started.countDown();
      // Every Service served and every path at the router, unless that takes a minute or the user stops first.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean converged = demo.converged();
      while (!converged && System.nanoTime() < deadline && !stop.await(200, TimeUnit.MILLISECONDS)) {
        converged = demo.converged();
      }
      out.printf("== up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      report(out, demo, converged);
      out.println(duration == null ? "== running until Ctrl-C" : "== running for " + format(duration));
      out.flush();
      if (duration == null) {
        stop.await();
      } else {
        stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      }
      out.println("== stopping: each node drains (GRACEFUL_SHUTDOWN for " + format(drainTime)
          + "), withdraws, closes its sessions and leaves; then the router and the API");
      out.flush();
      t0 = System.nanoTime();
      quietShutdown();
    } finally {
      running = null;
      started.countDown();
    }
    out.printf("== stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    out.flush();
    return 0;
  }

  /** Waits until the demo has started (or failed): the running demo, or null. */
  Demo awaitStarted() throws InterruptedException {
    started.await();
    return running;
  }

  /** Stops a running demo, as Ctrl-C does. */
  void stop() {
    stop.countDown();
  }

  private static void report(PrintWriter out, Demo demo, boolean converged) {
    Demo.Options o = demo.options();
    out.println();
    out.println("Configuration: " + o.values() + ", changed for the demo:");
    demo.config().changes().forEach(c -> out.println("  " + c));
    out.println();
    out.println("Router: " + demo.router().describe() + ", AS " + demo.router().asn());
    if (!demo.routerNote().isEmpty()) {
      out.println("  " + demo.routerNote() + " (run as root with bird2 installed to use BIRD)");
    }
    out.println("Kubernetes API: " + demo.api().url() + " (the sandbox: a stand-in for trying Herald, not a Kubernetes)");
    List<String> nodeLines = new ArrayList<>();
    for (int i = 0; i < demo.nodes().size(); i++) {
      DemoConfig.Node n = demo.nodes().get(i);
      var s = demo.heraldNodes().get(i).settings();
      nodeLines.add(n.name() + " (BGP from " + n.sourceAddress() + ", http://" + s.http().getAddress().getHostAddress()
          + ":" + s.http().getPort() + ")");
    }
    out.println("Nodes: " + String.join(", ", nodeLines));
    out.println();

    Map<String, Demo.ServiceState> byIp = new LinkedHashMap<>();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Service", "IP", "Pool", "Traffic policy", "Endpoints on"});
    for (Demo.ServiceState s : demo.services()) {
      s.ip().ifPresent(ip -> byIp.put(ip + "/32", s));
      Demo.Example e = s.example();
      rows.add(new String[] {Demo.NAMESPACE + "/" + e.name(), s.ip().orElse("<pending>"), s.pool().orElse("-"),
          e.externalTrafficPolicy(), String.join(", ", e.endpointNodes())});
    }
    table(out, rows);
    out.println();

    out.println("What the router learned (one path per announcing node: ECMP):");
    Map<String, String> nodeBySource = demo.nodes().stream()
        .collect(Collectors.toMap(DemoConfig.Node::sourceAddress, DemoConfig.Node::name));
    List<String[]> routes = new ArrayList<>();
    routes.add(new String[] {"Prefix", "Next hops", "Communities", "Service"});
    Map<String, Set<String>> communities = new LinkedHashMap<>();
    for (LearnedRoute r : demo.router().table()) {
      communities.computeIfAbsent(r.prefix(), p -> new TreeSet<>()).addAll(r.communities());
    }
    demo.nextHopsByPrefix().forEach((prefix, hops) -> routes.add(new String[] {prefix,
        hops.stream().map(h -> h + " (" + nodeBySource.getOrDefault(h, "?") + ")").collect(Collectors.joining(", ")),
        communities.get(prefix).isEmpty() ? "-" : String.join(" ", communities.get(prefix)),
        byIp.containsKey(prefix) ? Demo.NAMESPACE + "/" + byIp.get(prefix).example().name() : "-"}));
    if (routes.size() == 1) {
      out.println("  (nothing yet)");
    } else {
      table(out, routes);
    }
    if (!converged) {
      out.println("  not every route arrived within 60 s: 'herald status' shows the sessions and decisions");
    }
    out.println();

    String kubeconfig = o.kubeconfigOut().isAbsolute() ? o.kubeconfigOut().toString() : "./" + o.kubeconfigOut();
    String local = Demo.EXAMPLES.get(2).name();
    out.println("Try, while it runs:");
    out.println("  kubectl --kubeconfig " + kubeconfig + " get svc");
    out.println("  kubectl --kubeconfig " + kubeconfig + " describe svc " + local);
    boolean defaultHttp = o.http().getAddress().getHostAddress().equals("127.0.0.1") && o.http().getPort() == 7472;
    out.println("  bin/herald status" + (defaultHttp ? "" : " --url http://" + o.http().getAddress().getHostAddress()
        + ":" + o.http().getPort()) + "      (" + demo.nodes().get(0).name() + "'s management API)");
    if (!demo.router().inspectCommand().isEmpty()) {
      out.println("  " + demo.router().inspectCommand());
    }
    out.flush();
  }

  private static void table(PrintWriter out, List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        b.append(r[i]);
        if (i < r.length - 1) b.append(" ".repeat(width[i] - r[i].length() + 2));
      }
      out.println(b.toString().stripTrailing());
    }
  }

  private static String format(Duration d) {
    return d.toString().substring(2).toLowerCase();
  }

  /**
   * The report is the output: node logs go to stderr at WARN unless HERALD_LOG_LEVEL asks
   * otherwise, without fabric8's notes on the metallb.io beta API versions.
   */
  private static void quietLogs() {
    setLevel(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.WARN);
    setLevel("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR);
  }

  /**
   * While the nodes leave one by one, the remaining ones warn about the connections and shard
   * hand-overs that end: expected here, so only errors are shown. The Kubernetes clients' event
   * loops, closing, report listeners they can no longer run: not an error of ours.
   */
  private static void quietShutdown() {
    setLevel(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.ERROR);
    setLevel("io.netty.util.concurrent.DefaultPromise.rejectedExecution", Level.OFF);
  }

  private static void setLevel(String logger, Level level) {
    if (System.getenv("HERALD_LOG_LEVEL") == null
        && LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(level);
    }
  }
}
