package io.herald.protocol.interop;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network namespace created for one test, named {@code hrld-<random>} so that parallel builds
 * never collide. Both ends of every veth pair are created directly inside namespaces, so nothing
 * appears in the root namespace and there is no route out. {@link #close()} kills every process
 * in the namespace and deletes it; a JVM shutdown hook does the same for namespaces a failed test
 * left open.
 */
public final class NetNs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetNs.class);
  /** nft table that {@link #dropAll()} installs; its name is ours alone inside the namespace. */
  static final String SILENT_TABLE = "hrld_silent";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<NetNs> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());
  private static final Pattern SRC = Pattern.compile("\\bsrc (\\S+)");

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(NetNs::closeAllOpen, "netns-cleanup"));
  }

  private final String name;
  private final List<ChildProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private boolean closed;

  private NetNs(String name) {
    this.name = name;
  }

  /** Creates a namespace with {@code lo} up and IPv6 duplicate address detection off. */
  public static NetNs create() {
    String name = "hrld-" + HexFormat.of().formatHex(RANDOM.generateSeed(4));
    Exec.run(ip(), "netns", "add", name).orThrow();
    NetNs ns = new NetNs(name);
    OPEN.add(ns);
    try {
      ns.ipCmd("link", "set", "lo", "up");
      // DAD would keep fresh 2001:db8:: addresses "tentative" (unusable) for about a second
      ns.exec("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0").orThrow();
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /**
   * Two namespaces joined by a veth pair {@code eth0 <-> eth0}: {@code left} has 192.0.2.1/24 and
   * 2001:db8::1/64, {@code right} has 192.0.2.2/24 and 2001:db8::2/64.
   */
  public static Pair pair() {
    NetNs left = create();
    try {
      NetNs right = create();
      try {
        left.veth("eth0", right, "eth0");
        left.addAddress("eth0", Pair.LEFT_V4 + "/24");
        left.addAddress("eth0", Pair.LEFT_V6 + "/64");
        right.addAddress("eth0", Pair.RIGHT_V4 + "/24");
        right.addAddress("eth0", Pair.RIGHT_V6 + "/64");
        return new Pair(left, right);
      } catch (RuntimeException e) {
        right.close();
        throw e;
      }
    } catch (RuntimeException e) {
      left.close();
      throw e;
    }
  }

  /** Two namespaces on one link, with the well-known addresses of {@link #pair()}. */
  public record Pair(NetNs left, NetNs right) implements AutoCloseable {
    public static final String LEFT_V4 = "192.0.2.1";
    public static final String RIGHT_V4 = "192.0.2.2";
    public static final String LEFT_V6 = "2001:db8::1";
    public static final String RIGHT_V6 = "2001:db8::2";

    @Override
    public void close() {
      try {
        left.close();
      } finally {
        right.close();
      }
    }
  }

  public String name() {
    return name;
  }

  /** Creates a veth pair {@code ifName} (here) <-> {@code peerIfName} (in {@code peer}), both up. */
  public void veth(String ifName, NetNs peer, String peerIfName) {
    Exec.run(ip(), "link", "add", ifName, "netns", name, "type", "veth", "peer", "name", peerIfName, "netns",
        peer.name).orThrow();
    ipCmd("link", "set", ifName, "up");
    peer.ipCmd("link", "set", peerIfName, "up");
  }

  /** Adds {@code cidr} (e.g. {@code 192.0.2.1/24} or {@code 2001:db8::1/64}) to {@code ifName}. */
  public void addAddress(String ifName, String cidr) {
    if (cidr.contains(":")) {
      ipCmd("-6", "addr", "add", cidr, "dev", ifName, "nodad");
    } else {
      ipCmd("addr", "add", cidr, "dev", ifName);
    }
  }

  /** Runs {@code ip -n <ns> args...} and fails on a non-zero exit. */
  public Exec.Result ipCmd(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ip(), "-n", name));
    cmd.addAll(List.of(args));
    return Exec.run(cmd).orThrow();
  }

  /** Runs a short command inside the namespace (no check of the exit code). */
  public Exec.Result exec(String... command) {
    return Exec.run(command(List.of(command)));
  }

  /** Runs a short command inside the namespace with {@code stdin} as its input. */
  public Exec.Result exec(String stdin, List<String> command) {
    return Exec.run(stdin, Exec.DEFAULT_TIMEOUT, command(command));
  }

  /**
   * The command line that runs {@code command} inside this namespace. {@code ip netns exec}
   * execs the command in place, so the PID of the started process is the command's own.
   */
  public List<String> command(List<String> command) {
    List<String> full = new ArrayList<>(List.of(ip(), "netns", "exec", name));
    full.addAll(command);
    return full;
  }

  /**
   * Starts a long-running process inside the namespace. It is stopped by PID when the namespace
   * closes, if the test did not stop it before.
   */
  public ChildProcess start(String processName, List<String> command, Map<String, String> env, Path log) {
    checkOpen();
    ChildProcess p = ChildProcess.start(processName, command(command), env, log);
    processes.add(p);
    return p;
  }

  /**
   * The source address the kernel picks towards {@code destination} ({@code ip route get}), the
   * address a router in this namespace connects from. Looking it up this way never picks an
   * address that only sits on {@code lo}.
   */
  public Optional<String> sourceAddressTowards(String destination) {
    Exec.Result r = Exec.run(ip(), "-n", name, destination.contains(":") ? "-6" : "-4", "route", "get", destination);
    if (!r.ok()) {
      return Optional.empty();
    }
    Matcher m = SRC.matcher(r.stdout());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Drops every packet in and out of this namespace (except on {@code lo}), as if the host lost
   * power: the peers see no FIN and no RST, so only their hold timers can notice.
   */
  public void dropAll() {
    String rules = "table inet " + SILENT_TABLE + " {\n"
        + "  chain hrld_in { type filter hook input priority -400; policy drop; iifname \"lo\" accept; }\n"
        + "  chain hrld_out { type filter hook output priority -400; policy drop; oifname \"lo\" accept; }\n"
        + "  chain hrld_forward { type filter hook forward priority -400; policy drop; }\n"
        + "}\n";
    exec(rules, List.of(Tools.require("nft").toString(), "-f", "-")).orThrow();
  }

  /** Removes what {@link #dropAll()} installed; traffic flows again. */
  public void restore() {
    exec(Tools.require("nft").toString(), "delete", "table", "inet", SILENT_TABLE).orThrow();
  }

  /** PIDs of every process in the namespace ({@code ip netns pids}). */
  public List<Long> pids() {
    Exec.Result r = Exec.run(ip(), "netns", "pids", name);
    if (!r.ok()) {
      return List.of();
    }
    return r.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
  }

  /** Stops every process started here, then any other process left in the namespace, then deletes it. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    RuntimeException failure = null;
    List<ChildProcess> started;
    synchronized (processes) {
      started = new ArrayList<>(processes);
    }
    Collections.reverse(started);
    for (ChildProcess p : started) {
      try {
        p.stop();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    // Processes the namespace still holds were started in it by this test (e.g. daemons that
    // forked): nothing outside our randomly named namespace is touched.
    for (Long pid : pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<Long> remaining = pids();
    while (!remaining.isEmpty() && System.nanoTime() < deadline) {
      Await.pause();
      remaining = pids();
      if (System.nanoTime() > deadline - Duration.ofSeconds(3).toNanos()) {
        remaining.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
    }
    Exec.Result del = Exec.run(ip(), "netns", "del", name);
    OPEN.remove(this);
    if (!del.ok() && failure == null) {
      failure = new IllegalStateException("cannot delete namespace " + name + ": " + del.stderr());
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Names of the namespaces this JVM created and has not deleted yet. */
  public static List<String> openNamespaces() {
    synchronized (OPEN) {
      return OPEN.stream().map(NetNs::name).toList();
    }
  }

  private static void closeAllOpen() {
    List<NetNs> left;
    synchronized (OPEN) {
      left = new ArrayList<>(OPEN);
    }
    for (NetNs ns : left) {
      try {
        ns.close();
      } catch (RuntimeException e) {
        LOG.warn("netns cleanup: {}", ns.name, e);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("namespace " + name + " is closed");
    }
  }

  static String ip() {
    return Tools.require("ip").toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
