package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.NodeSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flag handling of {@code herald node}; running a node is covered by the node tests. */
class NodeCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cmd(NodeCommand c) {
    CommandLine cl = new CommandLine(c);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl;
  }

  private Path config(String text) throws IOException {
    Path p = dir.resolve("config.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void parsesEveryFlagIntoSettings() throws IOException {
    Path cfg = config("address-pools:\n- {name: a, protocol: bgp, addresses: [192.0.2.0/28]}\n");
    Path kube = dir.resolve("kubeconfig");
    Files.writeString(kube, "apiVersion: v1\n");
    NodeCommand c = new NodeCommand();
    cmd(c).parseArgs("--config", cfg.toString(), "--node-name", "worker-1", "--kubeconfig", kube.toString(),
        "--http", "127.0.0.1:9000", "--bind", "127.0.0.1:25521", "--seed-nodes", "127.0.0.1:25520,127.0.0.2:25520",
        "--journal", "postgres://127.0.0.1:5432/herald?user=herald", "--drain-time", "2s", "--node-label", "rack=a");
    NodeSettings s = c.settings();
    assertThat(s.nodeName()).isEqualTo("worker-1");
    assertThat(s.http().getPort()).isEqualTo(9000);
    assertThat(s.bind().getPort()).isEqualTo(25521);
    assertThat(s.seedNodes()).hasSize(2);
    assertThat(s.journal()).isEqualTo(new NodeSettings.Journal.Postgres("jdbc:postgresql://127.0.0.1:5432/herald?user=herald"));
    assertThat(s.drainTime()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.kubeconfig()).contains(kube);
    assertThat(s.nodeLabels()).containsEntry("rack", "a");
    assertThat(c.loadConfig(new PrintWriter(err)).pools().size()).isEqualTo(1);
  }

  @Test
  void defaultsAreALocalOneNodeClusterWithAnH2Journal() throws IOException {
    NodeCommand c = new NodeCommand();
    cmd(c).parseArgs("--config", config("{}").toString(), "--node-name", "n");
    NodeSettings s = c.settings();
    assertThat(s.journal()).isEqualTo(new NodeSettings.Journal.H2(Path.of("./herald-journal")));
    assertThat(s.http().getPort()).isEqualTo(7472);
    assertThat(s.bind().getPort()).isEqualTo(25520);
    assertThat(s.seedNodes()).isEmpty();
    assertThat(s.kubeconfig()).isEmpty();
  }

  @Test
  void kubernetesBootstrapReplacesSeedNodes() throws IOException {
    NodeCommand c = new NodeCommand();
    cmd(c).parseArgs("--config", config("{}").toString(), "--node-name", "n", "--kubernetes-bootstrap", "herald",
        "--required-contact-points", "3");
    NodeSettings s = c.settings();
    assertThat(s.bootstrap()).contains(new NodeSettings.KubernetesBootstrap("herald", 3, "app.kubernetes.io/name=%s"));
    var conf = io.herald.node.NodeConfig.of(s, com.typesafe.config.ConfigFactory.empty());
    assertThat(conf.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("kubernetes-api");
    assertThat(conf.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name")).isEqualTo("herald");
    assertThat(conf.getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr")).isEqualTo(3);
    assertThat(conf.getString("pekko.discovery.kubernetes-api.pod-label-selector")).isEqualTo("app.kubernetes.io/name=%s");
    assertThat(conf.getList("pekko.cluster.seed-nodes")).isEmpty();

    NodeCommand both = new NodeCommand();
    int code = cmd(both).execute("--config", config("{}").toString(), "--node-name", "n",
        "--kubernetes-bootstrap", "herald", "--seed-nodes", "127.0.0.1:25520");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--kubernetes-bootstrap and --seed-nodes exclude each other");
  }

  @Test
  void inClusterAndKubeconfigExcludeEachOther() throws IOException {
    Path kube = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
    int code = cmd(new NodeCommand()).execute("--config", config("{}").toString(), "--node-name", "n",
        "--in-cluster", "--kubeconfig", kube.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--in-cluster and --kubeconfig exclude each other");
  }

  @Test
  void inClusterOutsideAPodIsAUsageError() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null,
        "this test runs outside a Kubernetes pod");
    int code = cmd(new NodeCommand()).execute("--config", config("{}").toString(), "--node-name", "n", "--in-cluster");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--in-cluster: not in a pod");
  }

  @Test
  void badJournalIsAUsageError() throws IOException {
    int code = cmd(new NodeCommand()).execute("--config", config("{}").toString(), "--node-name", "n",
        "--journal", "mysql://x");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--journal: invalid journal \"mysql://x\": use h2:PATH or postgres:URL");
  }

  @Test
  void missingNodeNameIsAUsageError() throws IOException {
    assertThat(cmd(new NodeCommand()).execute("--config", config("{}").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("--node-name");
  }

  @Test
  void invalidConfigurationPrintsEveryErrorAndExitsOne() throws IOException {
    Path bad = config("address-pools:\n- {name: a, protocol: bgp, addresses: [192.0.2.0/33]}\n");
    assertThat(cmd(new NodeCommand()).execute("--config", bad.toString(), "--node-name", "n")).isEqualTo(1);
    assertThat(err.toString()).contains(bad + ":2: address-pool/a: addresses[0]: invalid CIDR");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void unreadableKubeconfigIsAUsageError() throws IOException {
    int code = cmd(new NodeCommand()).execute("--config", config("{}").toString(), "--node-name", "n",
        "--kubeconfig", dir.resolve("missing").toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--kubeconfig").contains("cannot read");
  }

  /** Runs {@code herald ARGS} as the binary does, with its one-line error handling. */
  private int herald(String... args) {
    CommandLine cl = HeraldCommand.newCommandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void badFlagsOfNodeAreOneLineAndExitOneWhileOtherSubcommandsKeepTwo() throws IOException {
    assertThat(herald("node", "--config", config("{}").toString(), "--node-name", "n", "--drain-time", "soon"))
        .isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("herald node: ").contains("--drain-time").doesNotContain("\n");
    err.getBuffer().setLength(0);
    assertThat(herald("node", "--config", config("{}").toString(), "--node-name", "n", "--no-such-flag")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("herald node: ").contains("--no-such-flag").doesNotContain("\n");
    err.getBuffer().setLength(0);
    assertThat(herald("bgp", "announce", "--no-such-flag")).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("herald bgp announce: ");
  }

  @Test
  void loadBalancerClassComesFromTheFlagOrTheChartsEnvironmentVariable() throws Exception {
    NodeCommand c = new NodeCommand();
    cmd(c).parseArgs("--config", config("{}").toString(), "--node-name", "n", "--lb-class", "example.com/herald");
    assertThat(c.settings().loadBalancerClass()).contains("example.com/herald");

    // The environment cannot be set from a test: a default value provider stands in for the
    // variable, as picocli resolves ${env:HERALD_LOAD_BALANCER_CLASS} into the default.
    NodeCommand fromEnv = new NodeCommand();
    CommandLine cl = cmd(fromEnv);
    assertThat(NodeCommand.class.getDeclaredField("loadBalancerClass").getAnnotation(CommandLine.Option.class)
        .defaultValue()).isEqualTo("${env:HERALD_LOAD_BALANCER_CLASS}");
    cl.setDefaultValueProvider(arg -> arg instanceof CommandLine.Model.OptionSpec o && "--lb-class".equals(o.longestName()) ? "internal" : null);
    cl.parseArgs("--config", config("{}").toString(), "--node-name", "n");
    assertThat(fromEnv.settings().loadBalancerClass()).contains("internal");

    // The chart passes an empty value when no class is set: no class, as without the flag.
    NodeCommand empty = new NodeCommand();
    cmd(empty).parseArgs("--config", config("{}").toString(), "--node-name", "n", "--lb-class", "");
    assertThat(empty.settings().loadBalancerClass()).isEmpty();
    NodeCommand none = new NodeCommand();
    cmd(none).parseArgs("--config", config("{}").toString(), "--node-name", "n");
    assertThat(none.settings().loadBalancerClass()).isEqualTo(
        java.util.Optional.ofNullable(System.getenv("HERALD_LOAD_BALANCER_CLASS")).filter(v -> !v.isBlank()));
  }

  @Test
  void eventSourceComponentsDefaultToMetallbsAndCanBeRenamed() throws IOException {
    NodeCommand c = new NodeCommand();
    cmd(c).parseArgs("--config", config("{}").toString(), "--node-name", "n");
    assertThat(c.eventSources()).isEqualTo(io.herald.k8s.event.EventSources.METALLB);
    assertThat(c.eventSources().speaker()).isEqualTo("metallb-speaker");
    assertThat(c.eventSources().controller()).isEqualTo("metallb-controller");

    NodeCommand renamed = new NodeCommand();
    cmd(renamed).parseArgs("--config", config("{}").toString(), "--node-name", "n",
        "--event-component-speaker", "herald-speaker", "--event-component-controller", "herald-controller");
    assertThat(renamed.eventSources()).isEqualTo(new io.herald.k8s.event.EventSources("herald-speaker", "herald-controller"));

    int code = cmd(new NodeCommand()).execute("--config", config("{}").toString(), "--node-name", "n",
        "--event-component-speaker", " ");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--event-component-speaker and --event-component-controller must not be empty");
  }
}
