package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SandboxApiCommandTest {

  @Test
  void startsLoadsWritesAKubeconfigAndStops(@TempDir Path dir) throws Exception {
    Path objects = Files.createDirectory(dir.resolve("objects"));
    Files.writeString(objects.resolve("svc.yaml"), String.join("\n",
        "apiVersion: v1", "kind: Service", "metadata: {name: web}", "spec: {type: LoadBalancer}", ""));
    Path kubeconfig = dir.resolve("k/sandbox.kubeconfig");
    SandboxApiCommand command = new SandboxApiCommand();
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
        "--bind", "127.0.0.1", "--port", "0", "--kubeconfig-out", kubeconfig.toString(), "--load", objects.toString()));
    var api = command.awaitStarted();
    assertThat(api).as("sandbox started; output: %s", out).isNotNull();

    String config = Files.readString(kubeconfig);
    assertThat(config).contains("server: " + api.url());
    String url = config.lines().filter(l -> l.trim().startsWith("server:")).findFirst().orElseThrow().trim().substring(8);
    HttpResponse<String> svc = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces/default/services/web")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(svc.statusCode()).isEqualTo(200);
    assertThat(out.toString()).contains("not a Kubernetes").contains("loaded 1 objects");

    command.stop();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void helpSaysItIsNotAKubernetes() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new SandboxApiCommand());
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("NOT a Kubernetes").contains("--kubeconfig-out").contains("--load");
  }

  @Test
  void rejectsAHostNameForBind() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new SandboxApiCommand());
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("--bind", "localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("IP address literal");
  }
}
