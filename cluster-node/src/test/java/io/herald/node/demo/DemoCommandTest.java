package io.herald.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.TestNodes;
import io.herald.node.cli.HeraldCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code herald demo --router collector} in this JVM: the kubeconfig works with the fabric8
 * client, the example Services get addresses from the right pools, the first node's management
 * API answers, and the collector holds one path per announcing node.
 */
class DemoCommandTest {

  static final String PRIVATE = "10.96.0.0/24";
  static final String PUBLIC = "203.0.113.0/26";

  @TempDir Path dir;

  @Test
  void theDemoServesTheExamplesAndTheCollectorLearnsOnePathPerAnnouncingNode() throws Exception {
    Path kubeconfig = dir.resolve("demo.kubeconfig");
    int http = TestNodes.freePort();
    // Through the herald command line, as bin/herald runs it.
    CommandLine cl = HeraldCommand.newCommandLine();
    DemoCommand command = cl.getSubcommands().get("demo").getCommand();
    command.handleSignals = false;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("demo", "--router", "collector",
        "--kubeconfig-out", kubeconfig.toString(), "--http", "127.0.0.1:" + http,
        "--values", "../deploy/examples/metallb-values.yaml"));
    Demo running = command.awaitStarted();
    try {
      assertThat(running).as("started; stderr: %s", err).isNotNull();
      assertThat(running.router()).isInstanceOf(CollectorRouter.class);
      waitFor("the examples served and every path at the router", running::converged);

      // The kubeconfig is what a user points a client at.
      Map<String, Service> services = new HashMap<>();
      String text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build()) {
        client.services().inNamespace(Demo.NAMESPACE).list().getItems()
            .forEach(s -> services.put(s.getMetadata().getName(), s));
      }
      assertThat(services).containsOnlyKeys("web", "edge", "local");
      assertThat(pool(services.get("web"))).isEqualTo("private");
      assertThat(within(PRIVATE, ip(services.get("web")))).isTrue();
      assertThat(pool(services.get("edge"))).isEqualTo("public");
      assertThat(within(PUBLIC, ip(services.get("edge")))).isTrue();
      assertThat(pool(services.get("local"))).isEqualTo("private");
      assertThat(within(PRIVATE, ip(services.get("local")))).isTrue();

      // The first node's management API, where 'herald status' looks.
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http + "/api/v1/services")).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      Set<String> names = new HashSet<>();
      for (JsonNode s : new ObjectMapper().readTree(r.body())) names.add(s.path("name").asText());
      assertThat(names).contains("web", "edge", "local");

      // ECMP at the router: the Local Service from its two endpoint nodes only, the others from all three.
      Map<String, Set<String>> table = running.nextHopsByPrefix();
      assertThat(table.get(ip(services.get("web")) + "/32")).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
      assertThat(table.get(ip(services.get("edge")) + "/32")).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
      assertThat(table.get(ip(services.get("local")) + "/32")).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.13");
      assertThat(table).hasSize(3);
    } finally {
      command.stop();
    }
    assertThat(exit.get(120, TimeUnit.SECONDS)).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("kubectl --kubeconfig " + kubeconfig)
        .contains("bin/herald status --url http://127.0.0.1:" + http)
        .containsPattern("10\\.96\\.0\\.\\d+/32 +127\\.0\\.0\\.11 \\(node-a\\), 127\\.0\\.0\\.13 \\(node-c\\) +- +default/local")
        .contains("== stopped");
    assertThat(kubeconfig).as("removed on exit: the API it points at is gone").doesNotExist();
  }

  static void waitFor(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(100);
    }
  }

  static String ip(Service s) {
    return s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
  }

  static String pool(Service s) {
    return s.getMetadata().getAnnotations().get(ServiceStatusWriter.POOL_ANNOTATION);
  }

  static boolean within(String cidr, String ip) {
    return IpRange.of(cidr).contains(IpAddress.of(ip));
  }
}
