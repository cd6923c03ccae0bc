package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real launcher, as a user runs it: {@code bin/herald bgp announce} against {@code bin/herald
 * bgp collect} on loopback, driven by signals. Needs the packaged jar, so it runs in {@code verify}.
 */
class AnnounceCommandIT {
  private static final Duration UP = Duration.ofSeconds(60);
  private final List<Proc> started = new ArrayList<>();
  private Path launcher;

  /** A child process with its merged output collected line by line. */
  static final class Proc {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Proc(List<String> command) throws IOException {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l = r.readLine(); l != null; l = r.readLine()) {
            lines.add(l);
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      t.setDaemon(true);
      t.start();
    }

    String await(Predicate<String> p, int atLeast) throws InterruptedException {
      long deadline = System.nanoTime() + UP.toNanos();
      while (System.nanoTime() < deadline) {
        List<String> hits = lines.stream().filter(p).toList();
        if (hits.size() >= atLeast) {
          return hits.get(atLeast - 1);
        }
        if (!process.isAlive() && lines.stream().filter(p).count() < atLeast) {
          throw new AssertionError("process exited " + process.exitValue() + ": " + lines);
        }
        Thread.sleep(20);
      }
      throw new AssertionError("timed out; output so far: " + lines);
    }

    void signal(String name) throws Exception {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }
  }

  @BeforeEach
  void findLauncher() {
    launcher = Path.of("..", "bin", "herald").toAbsolutePath().normalize();
    Assumptions.assumeTrue(Files.isRegularFile(Path.of("target", "herald-node.jar")),
        "the packaged jar is missing: run through mvn verify");
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Proc p : started) {
      p.process.destroyForcibly();
      p.process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Proc start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    Proc p = new Proc(cmd);
    started.add(p);
    return p;
  }

  @Test
  void signalsWithdrawReannounceAndStopWithACease() throws Exception {
    int block = ThreadLocalRandom.current().nextInt(1, 250);
    String router = "127.0." + block + ".2";
    String herald = "127.0." + block + ".3";
    int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
    Proc collector = start("bgp", "collect", "--local-asn", "64500", "--peer", herald, "--peer-asn", "64512",
        "--listen", router + ":" + port, "--router-id", "192.0.2.1");
    collector.await(l -> l.startsWith("listening"), 1);
    Proc speaker = start("bgp", "announce", "--local-asn", "64512", "--peer", router, "--peer-port",
        Integer.toString(port), "--peer-asn", "64500", "--source-address", herald, "--ebgp-multihop", "2",
        "--hold-time", "9s", "--next-hop", "192.0.2.11", "--community", "64512:7",
        "--prefix", "203.0.113.10/32", "--prefix", "203.0.113.11/32", "--prefix", "203.0.113.12/32");

    assertThat(speaker.await(l -> l.startsWith("established "), 1)).contains("peer=" + router + ":" + port)
        .contains("peer-asn=64500").contains("hold=9s");
    assertThat(speaker.await(l -> l.startsWith("sent "), 1)).startsWith("sent 3 prefixes in ");
    collector.await(l -> l.startsWith("+ 203.0.113.12/32 via 192.0.2.11") && l.contains("communities 64512:7"), 1);

    speaker.signal("USR1");
    assertThat(speaker.await(l -> l.startsWith("withdrew "), 1)).startsWith("withdrew 3 prefixes in ");
    collector.await(l -> l.equals("- 203.0.113.10/32"), 1);

    speaker.signal("USR2");
    assertThat(speaker.await(l -> l.startsWith("sent "), 2)).startsWith("sent 3 prefixes in ");
    collector.await(l -> l.startsWith("+ 203.0.113.10/32"), 2);
    assertThat(speaker.lines.stream().filter(l -> l.startsWith("established ")).count())
        .as("withdraw and re-announce keep the session").isEqualTo(1);

    speaker.signal("TERM");
    assertThat(speaker.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(speaker.process.exitValue()).isZero();
    assertThat(collector.await(l -> l.contains("CEASE_ADMINISTRATIVE_SHUTDOWN"), 1))
        .contains("herald bgp announce stopped");
  }

  @Test
  void badFlagsExitNonZeroWithOneLine() throws Exception {
    Proc p = start("bgp", "announce", "--local-asn", "64512", "--peer", "192.0.2.1", "--peer-asn", "64500",
        "--router-id", "192.0.2.11", "--hold-time", "1s");
    assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.process.exitValue()).isEqualTo(2);
    Thread.sleep(100);
    assertThat(p.lines).hasSize(1);
    assertThat(p.lines.get(0)).startsWith("herald bgp announce: ").contains("--hold-time");
  }
}
