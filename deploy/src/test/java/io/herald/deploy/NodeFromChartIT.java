package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Starts {@code herald node} as a process with the arguments, environment and configuration file
 * of the rendered DaemonSet, on loopback, and waits for it to become ready. The pod's mounts
 * become temporary directories and the downward API values loopback ones. Cluster bootstrap needs
 * a Kubernetes API with pods, which the build machines do not have: its three flags are left out
 * and the node forms a one-node cluster.
 */
class NodeFromChartIT {

  private static final Path ROOT = HeraldChart.MODULE.getParent();
  /** Flags that only work inside a pod: the test gives the node the sandbox's kubeconfig instead. */
  private static final Set<String> BOOTSTRAP_FLAGS =
      Set.of("--kubernetes-bootstrap", "--pod-label-selector", "--required-contact-points", "--in-cluster");
  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  @TempDir Path dir;

  @Test
  void nodeStartedLikeThePodComesUpReadyAndStopsCleanly() throws Exception {
    assumeTrue(Files.isRegularFile(ROOT.resolve("cluster-node/target/herald-node.jar")),
        "cluster-node/target/herald-node.jar not built: run mvn -DskipTests package first");
    int remoting = freePort();
    int management = freePort();
    // ci/layer2-values.yaml has no BGP peers, so the node dials nothing.
    Manifests m = HeraldChart.render(List.of(HeraldChart.DIR.resolve("ci/layer2-values.yaml")),
        Map.of("cluster.remotingPort", String.valueOf(remoting), "management.port", String.valueOf(management)));
    Launch launch = launch(m, List.of());
    List<String> command = launch.command();
    Path etc = dir.resolve("etc-herald");
    Path varLib = dir.resolve("var-lib-herald");
    assertThat(command).contains("--node-name=chart-it-node", "--bind=127.0.0.1:" + remoting,
        "--http=127.0.0.1:" + management, "--config=" + etc.resolve("config.yaml"),
        "--journal=h2:" + varLib.resolve("journal"));

    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("node.log").toFile());
    pb.environment().putAll(launch.env());
    Process p = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + management + "/ready");
      int status = 0;
      // A bound on waiting, not a speed assertion: the JVM and the cluster start in a few seconds.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (status != 200 && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(500);
        status = get(http, ready);
      }
      assertThat(status).as(log()).isEqualTo(200);
      assertThat(get(http, URI.create("http://127.0.0.1:" + management + "/alive"))).isEqualTo(200);
      assertThat(log()).contains("node chart-it-node up", "1 pool, 11 addresses");
      p.destroy(); // SIGTERM, as the kubelet sends
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(log()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * The chart rendered with the seed's values (its BGP peer moved to a loopback port nothing
   * listens on, so the node dials nothing off this machine) is applied with real kubectl to the
   * sandbox API; a node started with the rendered arguments and the sandbox's kubeconfig reads the
   * cluster, comes up ready and writes its ConfigurationState.
   */
  @Test
  void chartAppliedWithKubectlToTheSandboxRunsANodeThatComesUpReady() throws Exception {
    assumeTrue(Files.isRegularFile(ROOT.resolve("cluster-node/target/herald-node.jar")),
        "cluster-node/target/herald-node.jar not built: run mvn -DskipTests package first");
    assumeTrue(Kubectl.available(), "kubectl not on the PATH");
    int remoting = freePort();
    int management = freePort();
    int sandboxPort = freePort();
    Path seed = dir.resolve("seed-values.yaml");
    Files.writeString(seed, Files.readString(HeraldChart.SEED_VALUES, StandardCharsets.UTF_8)
        .replace("peer-address: 192.0.2.1", "peer-address: 127.0.0.2\n      peer-port: " + closedPeerPort()),
        StandardCharsets.UTF_8);
    String rendered = HeraldChart.template(List.of(seed),
        Map.of("cluster.remotingPort", String.valueOf(remoting), "management.port", String.valueOf(management)));
    Path manifests = Files.writeString(dir.resolve("rendered.yaml"), rendered, StandardCharsets.UTF_8);
    Manifests m = new Manifests(HeraldChart.parseAll(rendered));

    Path kubeconfig = dir.resolve("sandbox.kubeconfig");
    Process sandbox = new ProcessBuilder(ROOT.resolve("bin/herald").toString(), "sandbox-api", "--bind", "127.0.0.1",
        "--port", String.valueOf(sandboxPort), "--kubeconfig-out", kubeconfig.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sandbox.log").toFile()).start();
    Process node = null;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.isRegularFile(kubeconfig) && sandbox.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(kubeconfig).as(Files.readString(dir.resolve("sandbox.log"))).isRegularFile();
      Kubectl kubectl = new Kubectl(kubeconfig);

      Kubectl.Result apply = kubectl.run("apply", "--validate=false", "-f", manifests.toString());
      assertThat(apply.code()).as(apply.output()).isZero();
      for (JsonNode o : m.objects()) {
        String kind = o.path("kind").asString();
        String name = o.at("/metadata/name").asString();
        String ns = o.at("/metadata/namespace").asString("");
        Kubectl.Result get = ns.isEmpty() ? kubectl.run("get", kind, name, "-o", "name")
            : kubectl.run("get", kind, name, "-n", ns, "-o", "name");
        assertThat(get.code()).as("%s %s/%s stored: %s", kind, ns, name, get.output()).isZero();
      }
      assertThat(m.objects()).extracting(o -> o.path("kind").asString())
          .contains("DaemonSet", "ServiceAccount", "ConfigMap", "Service", "ClusterRole", "ClusterRoleBinding",
              "Role", "RoleBinding", "CustomResourceDefinition");

      Launch launch = launch(m, List.of("--kubeconfig=" + kubeconfig, "--informer-timeout=60s"));
      assertThat(launch.command()).contains("--namespace=" + HeraldChart.NAMESPACE).as("the chart names the namespace");
      ProcessBuilder pb = new ProcessBuilder(launch.command()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("node.log").toFile());
      pb.environment().putAll(launch.env());
      node = pb.start();
      awaitReady(node, management);
      // /ready turns 200 as the wiring finishes, just before the line is printed.
      long printed = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!log().contains("node chart-it-node up") && node.isAlive() && System.nanoTime() < printed) {
        Thread.sleep(200);
      }
      assertThat(log()).contains("node chart-it-node up");

      // It reads the cluster: the validation of the cluster's configuration is in the sandbox. The
      // node writes it on its own thread, so it may land just after the line above.
      long written = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Kubectl.Result state;
      do {
        state = kubectl.run("get", "configurationstates.metallb.io", "speaker-chart-it-node",
            "-n", HeraldChart.NAMESPACE, "-o", "jsonpath={.status.result}");
        if (state.code() == 0 && !state.output().isBlank()) break;
        Thread.sleep(200);
      } while (System.nanoTime() < written);
      assertThat(state.code()).as(state.output() + log()).isZero();
      assertThat(state.output().strip()).isEqualTo("Valid");

      node.destroy();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as(log()).isZero();
    } finally {
      if (node != null) node.destroyForcibly();
      sandbox.destroy();
      if (!sandbox.waitFor(20, TimeUnit.SECONDS)) sandbox.destroyForcibly();
    }
  }

  private void awaitReady(Process p, int management) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + management + "/ready");
    int status = 0;
    // A bound on waiting, not a speed assertion: the JVM and the cluster start in a few seconds.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (status != 200 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      status = get(http, ready);
    }
    assertThat(status).as(log()).isEqualTo(200);
  }

  /** The command line and environment of the rendered DaemonSet's container, on this machine. */
  record Launch(List<String> command, Map<String, String> env) {}

  /**
   * The pod's mounts become temporary directories (the ConfigMap's file written into one) and
   * the downward API values loopback ones; {@code extraArgs} are appended.
   */
  private Launch launch(Manifests m, List<String> extraArgs) throws IOException {
    JsonNode c = ChartRenderTest.onlyContainer(m.one("DaemonSet"));

    Path etc = Files.createDirectories(dir.resolve("etc-herald"));
    Path varLib = Files.createDirectories(dir.resolve("var-lib-herald"));
    Files.writeString(etc.resolve("config.yaml"), m.one("ConfigMap").at("/data/config.yaml").asString(),
        StandardCharsets.UTF_8);
    Map<String, String> mounts = Map.of("/etc/herald", etc.toString(), "/var/lib/herald", varLib.toString());

    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : c.path("env")) {
      String name = e.path("name").asString();
      String value = switch (e.at("/valueFrom/fieldRef/fieldPath").asString("")) {
        case "spec.nodeName" -> "chart-it-node";
        case "status.podIP" -> "127.0.0.1";
        case "metadata.namespace" -> HeraldChart.NAMESPACE;
        case "" -> expand(e.path("value").asString(), env);
        default -> throw new AssertionError("unexpected downward API field in " + e);
      };
      env.put(name, remount(value, mounts));
    }
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/herald").toString()));
    for (String arg : ChartRenderTest.args(c)) {
      if (BOOTSTRAP_FLAGS.contains(arg.split("=", 2)[0])) {
        continue;
      }
      command.add(remount(expand(arg, env), mounts));
    }
    command.addAll(extraArgs);
    return new Launch(command, env);
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("node.log"), StandardCharsets.UTF_8);
  }

  private static int get(HttpClient http, URI uri) throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notYetListening) {
      return 0;
    }
  }

  /** Kubernetes' $(VAR) expansion from the variables defined before. */
  private static String expand(String text, Map<String, String> env) {
    Matcher mt = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (mt.find()) {
      String v = env.get(mt.group(1));
      mt.appendReplacement(out, Matcher.quoteReplacement(v == null ? mt.group() : v));
    }
    mt.appendTail(out);
    return out.toString();
  }

  private static String remount(String text, Map<String, String> mounts) {
    String out = text;
    for (Map.Entry<String, String> e : mounts.entrySet()) {
      out = out.replace(e.getKey() + "/", e.getValue() + "/");
    }
    return out;
  }

  /** A loopback port nothing listens on, within MetalLB's peer-port range (at most 16384). */
  private static int closedPeerPort() throws IOException {
    for (int port = 16384; port > 1024; port--) {
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.2"))) {
        return port;
      } catch (IOException inUse) {
        // try the next one
      }
    }
    throw new IOException("no free port below 16385 on 127.0.0.2");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
