package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new ConfigCommand());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    return cmd.execute(args);
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** The example shipped in deploy/examples, found from the module directory Maven runs in. */
  private static Path example() {
    Path p = Path.of("..", "deploy", "examples", "metallb-values.yaml");
    return Files.exists(p) ? p : Path.of("deploy", "examples", "metallb-values.yaml");
  }

  @Test
  void acceptsTheSeedValuesFile() {
    assertThat(run("validate", example().toString())).isZero();
    assertThat(out.toString().trim())
        .isEqualTo("valid: 2 pools, 320 addresses, 1 peer, 2 BGP advertisements, 0 L2 advertisements");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void acceptsAPlainLegacyFileAndResourcesTogether() throws IOException {
    Path legacy = write("legacy.yaml", """
        peers:
        - {my-asn: 64501, peer-asn: 64500, peer-address: 192.0.2.1}
        address-pools:
        - {name: a, protocol: layer2, addresses: [192.0.2.0/28]}
        """);
    Path crds = write("crds.yaml", """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: b}
        spec: {addresses: ["2001:db8::/64"]}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: r2}
        spec: {myASN: 64501, peerASN: 64502, peerAddress: "2001:db8::1"}
        """);
    assertThat(run("validate", legacy.toString(), crds.toString())).isZero();
    assertThat(out.toString()).startsWith("valid: 2 pools, 18446744073709551632 addresses, 2 peers,");
  }

  @Test
  void printsEveryErrorWithFileAndLineAndExitsOne() throws IOException {
    Path bad = write("bad.yaml", """
        peers:
        - my-asn: 64501
          peer-asn: 64500
          peer-address: 192.0.2.1
          hold-time: 2s
        address-pools:
        - name: a
          protocol: bgp
          addresses: [192.0.2.0/33]
        """);
    assertThat(run("validate", bad.toString())).isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly(
        bad + ":5: peer/peer1: hold-time: invalid hold time \"2s\": must be 0 or >=3s",
        bad + ":9: address-pool/a: addresses[0]: invalid CIDR \"192.0.2.0/33\" in pool \"a\": invalid CIDR \"192.0.2.0/33\"");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void unreadableFileIsAnError() {
    assertThat(run("validate", dir.resolve("missing.yaml").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("missing.yaml: cannot read");
  }

  @Test
  void validateNeedsAFile() {
    assertThat(run("validate")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter");
  }
}
