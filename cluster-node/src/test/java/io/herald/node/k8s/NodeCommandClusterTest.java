package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.sandbox.SandboxApi;
import io.herald.node.TestNodes;
import io.herald.node.cli.NodeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code herald node --kubeconfig} when the API cannot be read: one line, exit 1. */
class NodeCommandClusterTest {

  @TempDir Path dir;

  @Test
  void anUnreachableApiIsOneClearLineAndExitOne() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), TestNodes.ONE_POOL);
    // A port nothing listens on: the informers retry until the timeout.
    int closed = TestNodes.freePort();
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), SandboxApi.kubeconfig("http://127.0.0.1:" + closed));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new NodeCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int code = cl.execute("--config", config.toString(), "--node-name", "node-a", "--kubeconfig", kubeconfig.toString(),
        "--informer-timeout", "2s", "--bind", "127.0.0.1:" + TestNodes.freePort(),
        "--http", "127.0.0.1:" + TestNodes.freePort(), "--journal", "h2:" + dir.resolve("journal"));

    // The stopped node's journal closes a second after its last connection: JUnit must not delete
    // the directory before, or H2 creates it again after the test.
    TestNodes.awaitH2Closed(dir);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("herald node: cannot read the cluster through " + kubeconfig + ": ")
        .contains("did not sync within PT2S").doesNotContain("\n").doesNotContain("Exception");
  }
}
