package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.node.Collector;
import io.herald.protocol.types.Prefix;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees with the real {@code kubectl describe svc} while Herald serves a Service:
 * the ingress IP, the pool annotation, and the {@code IPAllocated} and {@code nodeAssigned}
 * Events. Skipped when kubectl is not installed.
 */
class KubectlDescribeIT extends ClusterWiringSandboxTest {

  private static Optional<Path> kubectl() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, "kubectl");
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  private String describe(String name) throws Exception {
    Path config = dir.resolve("sandbox.kubeconfig");
    api.writeKubeconfig(config);
    List<String> cmd = new ArrayList<>(List.of(kubectl().orElseThrow().toString(), "--kubeconfig=" + config,
        "--cache-dir=" + dir.resolve("kube-cache"), "--request-timeout=20s", "describe", "svc", name, "-n", "default"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("KUBECONFIG");
    Path out = dir.resolve("kubectl.out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("kubectl did not finish");
    } finally {
      p.destroyForcibly();
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  @Test
  void kubectlDescribeShowsTheAddressAndTheEvents() throws Exception {
    assumeTrue(kubectl().isPresent(), "kubectl is not on PATH: this test needs the kubectl client (v1.32 tested)");
    create("shop", "Local", Map.of());
    client.discovery().v1().endpointSlices().inNamespace("default").resource(slice("shop", "node-a")).create();
    String ip = ingress("shop");
    Collector.await("route at the router", () -> router.routes.containsKey(Prefix.parse(ip + "/32")));
    Collector.await("Events written", () -> client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "shop".equals(e.getInvolvedObject().getName())).count() >= 2);

    String text = describe("shop");
    assertThat(text).containsPattern("LoadBalancer Ingress:\\s+" + ip.replace(".", "\\."));
    assertThat(text).contains("metallb.io/ip-allocated-from-pool: private");
    assertThat(text).containsPattern("nodeAssigned\\s+.*announcing from node \"node-a\"");
    assertThat(text).containsPattern("IPAllocated\\s+.*Assigned IP \\[\"" + ip.replace(".", "\\.") + "\"\\]");
  }

  // The inherited in-JVM tests run under surefire already.
  @Override
  void allocatesFromTheDefaultPoolOrTheRequestedOneAndWritesStatusAndEvents() {}

  @Override
  void aServiceThatCannotBeServedGetsAnAllocationFailedWarning() {}

  @Override
  void aLocalServiceIsAnnouncedWhileItHasAnEndpointOnThisNodeOnly() {}
}
