package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Prefix;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flag checking of {@code herald bgp announce}: one line naming the problem, exit code 2. */
class AnnounceCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = HeraldCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    all[0] = "bgp";
    all[1] = "announce";
    System.arraycopy(args, 0, all, 2, args.length);
    return new Run(cl.execute(all), out.toString(), err.toString());
  }

  private static void assertOneLineError(Run r, String expected) {
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("herald bgp announce: ").contains(expected);
  }

  @Test
  void missingRequiredFlagsAreNamed() {
    assertOneLineError(run("--local-asn", "64512", "--peer", "192.0.2.1"), "--peer-asn");
  }

  @Test
  void badValuesAreNamed() {
    String[] base = {"--local-asn", "64512", "--peer-asn", "64500", "--router-id", "192.0.2.11"};
    assertOneLineError(run(concat(base, "--peer", "router.example")), "not an IPv4 address");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--hold-time", "2s")), "--hold-time");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--peer-port", "70000")), "port must be 1..65535");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--community", "70000:1")), "above 65535");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--large-community", "1:2")), "expected A:B:C");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--prefix", "192.0.2.1/24")), "host bits");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--local-pref", "200")), "iBGP only");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--password", "a", "--password-file", "f")),
        "mutually exclusive");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--listen", "192.0.2.11:179")), "--listen needs --passive");
    assertOneLineError(run(concat(base, "--peer", "192.0.2.1", "--prefix", "2001:db8::1/128")),
        "needs an IPv6 --next-hop");
    assertOneLineError(run("--local-asn", "4294967296", "--peer-asn", "64500", "--peer", "192.0.2.1"), "ASN");
    assertOneLineError(run("--local-asn", "64512", "--peer-asn", "64500", "--peer", "192.0.2.1"), "--router-id");
  }

  @Test
  void prefixFileErrorsNameFileAndLine() throws Exception {
    Path f = dir.resolve("prefixes.txt");
    Files.writeString(f, "# VIPs\n203.0.113.10/32\n\n203.0.113.300/32\n");
    Run r = run("--local-asn", "64512", "--peer-asn", "64500", "--peer", "192.0.2.1", "--router-id", "192.0.2.11",
        "--prefix-file", f.toString());
    assertOneLineError(r, f + ":4: ");
  }

  @Test
  void aValidCommandLineMakesAPlan() throws Exception {
    Path f = dir.resolve("prefixes.txt");
    Files.writeString(f, "203.0.113.10/32 # a VIP\n2001:db8:ffff::10/128\n");
    AnnounceCommand cmd = new AnnounceCommand();
    CommandLine cl = new CommandLine(cmd);
    cl.parseArgs("--local-asn", "64512", "--peer", "192.0.2.1", "--peer-asn", "64500",
        "--source-address", "192.0.2.11", "--hold-time", "9s", "--next-hop", "2001:db8::11",
        "--community", "no-export", "--prefix", "198.51.100.7/32", "--prefix-file", f.toString());
    AnnounceCommand.Plan plan = cmd.plan();
    assertThat(plan.routes()).containsOnlyKeys(Prefix.parse("198.51.100.7/32"), Prefix.parse("203.0.113.10/32"),
        Prefix.parse("2001:db8:ffff::10/128"));
    assertThat(plan.config().routerId().toString()).isEqualTo("192.0.2.11");
    assertThat(plan.config().holdTime()).isEqualTo(Duration.ofSeconds(9));
    assertThat(plan.config().families()).containsExactlyInAnyOrder(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);
    assertThat(plan.config().tcp().ttl().getAsInt()).as("directly connected eBGP: TTL 1").isEqualTo(1);
    assertThat(plan.listen()).isEmpty();
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
