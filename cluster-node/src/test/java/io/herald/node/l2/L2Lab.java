package io.herald.node.l2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three Layer 2 nodes ({@link L2NodeMain}, each a separate JVM) and a client, each in its own
 * network namespace, on one bridge: the lab of {@code bench/run-l2-failover}. Documentation ranges
 * only (192.0.2.0/24, 2001:db8::/64) and no route out. Every namespace is named {@code hl2t-<id>-*}
 * and deleted by name on {@link #close()}; every JVM is killed by PID.
 */
final class L2Lab implements AutoCloseable {
  static final String VIP4 = "192.0.2.100";
  static final String VIP6 = "2001:db8::100";
  static final List<String> NODES = List.of("n1", "n2", "n3");
  private static final Pattern ARP_REPLY = Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]{17})]");
  private static final Pattern ND_TARGET = Pattern.compile("link-layer address:\\s*([0-9A-Fa-f:]{17})");
  private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");

  private final String id = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  private final String bridge = "hl2t-" + id + "-br";
  private final String client = "hl2t-" + id + "-c";
  private final List<String> created = new ArrayList<>();
  private final Process[] jvms = new Process[NODES.size()];
  private final List<Process> others = new ArrayList<>();
  private final Path logs;

  L2Lab() {
    try {
      logs = Files.createTempDirectory("hl2t-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether this machine can run the lab; empty when it can, else why not. */
  static Optional<String> missing() {
    for (String tool : List.of("ip", "arping", "ndisc6", "nft")) {
      if (!onPath(tool)) return Optional.of(tool + " is not installed");
    }
    Result id = exec(Duration.ofSeconds(5), "id", "-u");
    if (!id.out().trim().equals("0")) return Optional.of("network namespaces need root");
    // Root without CAP_SYS_ADMIN (some containers) cannot create namespaces: try one.
    String probe = String.format("hl2t-probe-%04x", ThreadLocalRandom.current().nextInt(0x10000));
    Result add = exec(Duration.ofSeconds(10), "ip", "netns", "add", probe);
    if (add.exit() != 0) return Optional.of("cannot create a network namespace: " + add.out().trim());
    exec(Duration.ofSeconds(10), "ip", "netns", "del", probe);
    return Optional.empty();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  String ns(int node) {
    return "hl2t-" + id + "-" + NODES.get(node);
  }

  static String ip4(int node) {
    return "192.0.2.1" + (node + 1);
  }

  static String ip6(int node) {
    return "2001:db8::1" + (node + 1);
  }

  /** Creates the bridge and the client only (see {@link #host}). */
  L2Lab buildClient() {
    addNs(bridge);
    sh("ip", "-n", bridge, "link", "add", "br0", "type", "bridge");
    sh("ip", "-n", bridge, "link", "set", "br0", "up");
    join(client, 0);
    sh("ip", "-n", client, "addr", "add", "192.0.2.1/24", "dev", "eth0");
    sh("ip", "-n", client, "-6", "addr", "add", "2001:db8::1/64", "dev", "eth0", "nodad");
    return this;
  }

  /** Adds a namespace {@code hl2t-<id>-<suffix>} on the bridge with {@code eth0} at {@code ip4/24}; returns its name. */
  String host(String suffix, int port, String ip4) {
    String name = "hl2t-" + id + "-" + suffix;
    join(name, port);
    sh("ip", "-n", name, "addr", "add", ip4 + "/24", "dev", "eth0");
    return name;
  }

  /** Creates the bridge, the client and the three node namespaces. */
  L2Lab build() {
    buildClient();
    for (int i = 0; i < NODES.size(); i++) {
      join(ns(i), i + 1);
      sh("ip", "-n", ns(i), "addr", "add", ip4(i) + "/24", "dev", "eth0");
      sh("ip", "-n", ns(i), "-6", "addr", "add", ip6(i) + "/64", "dev", "eth0", "nodad");
      // The Service IP is local on every node, as kube-proxy makes it, but with arp_ignore=1 the
      // kernel never answers ARP for it (it is not on eth0), and NDP is only answered for
      // addresses on the receiving interface: so only Herald's responder can answer.
      sh("ip", "-n", ns(i), "addr", "add", VIP4 + "/32", "dev", "lo");
      sh("ip", "-n", ns(i), "-6", "addr", "add", VIP6 + "/128", "dev", "lo", "nodad");
      sh("ip", "netns", "exec", ns(i), "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1",
          "net.ipv4.conf.all.arp_announce=2");
    }
    return this;
  }

  private void addNs(String name) {
    sh("ip", "netns", "add", name);
    created.add(name);
  }

  private void join(String name, int port) {
    addNs(name);
    sh("ip", "-n", name, "link", "set", "lo", "up");
    sh("ip", "link", "add", "eth0", "netns", name, "type", "veth", "peer", "name", "p" + port, "netns", bridge);
    sh("ip", "-n", bridge, "link", "set", "p" + port, "master", "br0", "up");
    sh("ip", "-n", name, "link", "set", "eth0", "up");
    sh("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.eth0.accept_dad=0");
  }

  /** Starts node {@code i}'s JVM unless it runs; its firewall, if any, is removed first. */
  void start(int i) {
    if (alive(i)) return;
    exec(Duration.ofSeconds(5), "ip", "netns", "exec", ns(i), "nft", "delete", "table", "inet", "hl2t");
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(i),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), L2NodeMain.class.getName(),
        NODES.get(i), ip4(i) + ":25520", ip4(0) + ":25520," + ip4(1) + ":25520", "eth0", "5s", VIP4, VIP6));
    try {
      Path log = log(i);
      Files.writeString(log, "");
      jvms[i] = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code mainClass} with this JVM's class path in namespace {@code ns}, output to
   * {@code log}; the process is killed by PID on {@link #close()}.
   */
  Process java(String ns, Path log, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        mainClass));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      others.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return logs;
  }

  boolean alive(int i) {
    return jvms[i] != null && jvms[i].isAlive();
  }

  /** Waits until node {@code i}'s JVM has exited (for instance after the resolver downed it). */
  boolean awaitExit(int i, Duration timeout) throws InterruptedException {
    return jvms[i] == null || jvms[i].waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Power loss: the namespace drops every packet (its kernel would still answer pings), the JVM dies. */
  void powerOff(int i) throws InterruptedException {
    firewall(i, """
        table inet hl2t {
          chain i { type filter hook input priority -400; policy drop; iifname "lo" accept; }
          chain o { type filter hook output priority -400; policy drop; oifname "lo" accept; }
        }
        """);
    kill(i);
  }

  /** Cuts node {@code i} off from the other nodes, in both directions; the client still reaches it. */
  void isolate(int i) {
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    for (int k = 0; k < NODES.size(); k++) {
      if (k == i) continue;
      v4.add(ip4(k));
      v6.add(ip6(k));
    }
    String s4 = String.join(", ", v4);
    String s6 = String.join(", ", v6);
    firewall(i, "table inet hl2t {\n"
        + "  chain i { type filter hook input priority -400; ip saddr { " + s4 + " } drop; ip6 saddr { " + s6 + " } drop; }\n"
        + "  chain o { type filter hook output priority -400; ip daddr { " + s4 + " } drop; ip6 daddr { " + s6 + " } drop; }\n"
        + "}\n");
  }

  private void firewall(int i, String rules) {
    try {
      Path f = Files.createTempFile(logs, "nft-", ".conf");
      Files.writeString(f, rules);
      sh("ip", "netns", "exec", ns(i), "nft", "-f", f.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void kill(int i) throws InterruptedException {
    if (jvms[i] == null) return;
    // Process.destroyForcibly is SIGKILL to this PID (ip netns exec execs java in place).
    jvms[i].destroyForcibly();
    jvms[i].waitFor(10, TimeUnit.SECONDS);
  }

  Path log(int i) {
    return logs.resolve(NODES.get(i) + ".log");
  }

  /** The live set node {@code i} last reported ({@code L2NodeMain}'s "owner X of IP among [...]"). */
  Optional<String> lastView(int i) {
    try {
      List<String> lines = Files.readAllLines(log(i), StandardCharsets.UTF_8);
      for (int k = lines.size() - 1; k >= 0; k--) {
        int at = lines.get(k).indexOf(" among ");
        if (lines.get(k).startsWith("owner ") && at > 0) return Optional.of(lines.get(k).substring(at + 7));
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  String mac(int i) {
    return mac(ns(i));
  }

  static String mac(String ns) {
    Matcher m = MAC.matcher(sh("ip", "-n", ns, "link", "show", "eth0"));
    if (!m.find()) throw new IllegalStateException("no MAC on " + ns);
    return m.group(1);
  }

  /**
   * The MACs that answered {@code count} broadcast ARP requests for {@code ip}, in order of first
   * reply. Broadcast only ({@code -b}): arping would otherwise switch to unicast to the first
   * replier and never see a second one.
   */
  Set<String> arping(String ip, int count) {
    Result r = exec(Duration.ofSeconds(count + 5L), "ip", "netns", "exec", client,
        "arping", "-b", "-c", Integer.toString(count), "-w", Integer.toString(count + 1), "-I", "eth0", ip);
    return macs(ARP_REPLY, r.out());
  }

  /** The target link-layer addresses of every Neighbor Advertisement answering our solicitations for {@code ip}. */
  Set<String> ndisc(String ip, int tries) {
    Result r = exec(Duration.ofSeconds(tries * 2L + 5), "ip", "netns", "exec", client,
        "ndisc6", "-m", "-n", "-r", Integer.toString(tries), "-w", "1000", ip, "eth0");
    return macs(ND_TARGET, r.out());
  }

  private static Set<String> macs(Pattern p, String out) {
    Set<String> macs = new LinkedHashSet<>();
    Matcher m = p.matcher(out);
    while (m.find()) macs.add(m.group(1).toLowerCase(Locale.ROOT));
    return macs;
  }

  /** Polls {@code probe} until it yields a value or {@code timeout} passes; then fails with the node logs. */
  <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) return v.get();
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what + "\n" + tails());
      Thread.sleep(300);
    }
  }

  String tails() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < NODES.size(); i++) {
      try {
        List<String> lines = Files.readAllLines(log(i), StandardCharsets.UTF_8);
        b.append("--- ").append(NODES.get(i)).append(alive(i) ? " (running)" : " (stopped)").append('\n');
        lines.subList(Math.max(0, lines.size() - 8), lines.size()).forEach(l -> b.append(l).append('\n'));
      } catch (IOException e) {
        b.append("--- ").append(NODES.get(i)).append(": no log\n");
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (Process p : others) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = 0; i < jvms.length; i++) {
      try {
        kill(i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int k = created.size() - 1; k >= 0; k--) exec(Duration.ofSeconds(10), "ip", "netns", "del", created.get(k));
    created.clear();
    try (var files = Files.walk(logs)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    } catch (IOException e) {
      // Only temporary logs are left behind.
    }
  }

  private static String sh(String... cmd) {
    Result r = exec(Duration.ofSeconds(20), cmd);
    if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.out());
    return r.out();
  }

  record Result(int exit, String out) {}

  static Result exec(Duration timeout, String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      // Output is small (a few lines): read it fully, then reap the process.
      byte[] out;
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        return new Result(-1, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
      out = p.getInputStream().readAllBytes();
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
