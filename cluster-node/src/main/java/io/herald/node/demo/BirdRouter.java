package io.herald.node.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * BIRD 2 as the demo's router, in a network namespace of its own ({@code hdemo-<pid>}) reached by
 * a veth pair from the root namespace. Documentation addresses only (RFC 5737): the first /28 of
 * 192.0.2.0/24 or 198.51.100.0/24 that no address or route of this machine touches, BIRD on its
 * {@code .1}, the nodes' sources from its {@code .11} on the root side. The namespace has no
 * other interface and no default route, and BIRD has no kernel protocol: it installs nothing.
 * Needs root and the {@code bird2} and {@code iproute2} packages; {@link #unavailable()} says why not.
 */
public final class BirdRouter implements DemoRouter {

  /**
   * The documentation /24s the veth's /28 may come from, first choice first: 192.0.2.1 is the
   * seed's own peer address, so with it the seed's peer changes only in its source address.
   * 203.0.113.0/24 is left out: the seed's public pool is there.
   */
  static final List<String> RANGES = List.of("192.0.2.0", "198.51.100.0");
  static final int BLOCK_LENGTH = 28;

  private final String address;
  private final String namespace;
  private final String hostVeth;
  private final Path dir;
  private final Process bird;
  private final String version;
  private final long asn;
  private boolean closed;

  private BirdRouter(String address, String namespace, String hostVeth, Path dir, Process bird, String version, long asn) {
    this.address = address;
    this.namespace = namespace;
    this.hostVeth = hostVeth;
    this.dir = dir;
    this.bird = bird;
    this.version = version;
    this.asn = asn;
  }

  /** Why BIRD cannot be the router here, or empty when it can. */
  public static Optional<String> unavailable() {
    if (!isRoot()) {
      return Optional.of("not running as root (a network namespace needs root)");
    }
    for (String tool : List.of("bird", "birdc")) {
      if (executable(tool).isEmpty()) {
        return Optional.of(tool + " is not installed (Debian package bird2)");
      }
    }
    if (executable("ip").isEmpty()) {
      return Optional.of("ip is not installed (Debian package iproute2)");
    }
    try {
      if (freeSubnet().isEmpty()) {
        return Optional.of("no /28 of " + String.join("/24 or ", RANGES) + "/24 is free on this machine");
      }
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  /** The first free /28 (its network address) of {@link #RANGES} on this machine. */
  public static Optional<String> freeSubnet() {
    return freeBlock(run(List.of("ip", "-4", "-o", "addr", "show")) + "\n" + run(List.of("ip", "-4", "route", "show")));
  }

  /**
   * The first /28 of {@link #RANGES} that overlaps no prefix in {@code ipOutput} (the text of
   * {@code ip -4 addr} and {@code ip -4 route}; the default route does not count). Pure.
   */
  static Optional<String> freeBlock(String ipOutput) {
    List<long[]> used = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?<![\\d.])(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(/(\\d{1,2}))?(?![\\d.])").matcher(ipOutput);
    while (m.find()) {
      int len = m.group(3) == null ? 32 : Integer.parseInt(m.group(3));
      long a = v4(m.group(1));
      long size = 1L << (32 - len);
      used.add(new long[] {a & ~(size - 1), size});
    }
    long block = 1L << (32 - BLOCK_LENGTH);
    for (String range : RANGES) {
      long base = v4(range);
      for (long b = base; b < base + 256; b += block) {
        long start = b;
        boolean free = used.stream().noneMatch(u -> u[0] < start + block && start < u[0] + u[1]);
        if (free) return Optional.of(dotted(b));
      }
    }
    return Optional.empty();
  }

  private static long v4(String dotted) {
    long v = 0;
    for (String p : dotted.split("\\.")) v = (v << 8) | Integer.parseInt(p);
    return v;
  }

  private static String dotted(long v) {
    return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
  }

  /** BIRD's address in the /28 at {@code block}. */
  public static String routerAddress(String block) {
    return dotted(v4(block) + 1);
  }

  /** The root side's address of node {@code i} (0-based) in the /28 at {@code block}. */
  public static String sourceAddress(String block, int i) {
    return dotted(v4(block) + 11 + i);
  }

  /**
   * Creates the namespace and veth, writes BIRD's configuration in {@code dir} and starts BIRD
   * with one passive BGP protocol per node; everything is undone if a step fails.
   *
   * @param subnet the /28 for the veth (its network address), from {@link #freeSubnet()}
   * @param nodes the node names (BIRD's protocol names) and their source addresses in it
   * @param localAsn BIRD's AS (the seed peer's peer-asn)
   * @param neighbourAsn the nodes' AS (the seed peer's my-asn)
   */
  public static BirdRouter start(String subnet, List<DemoConfig.Node> nodes, long localAsn, long neighbourAsn,
      Path dir) {
    String address = routerAddress(subnet);
    long pid = ProcessHandle.current().pid();
    String ns = "hdemo-" + pid;
    String host = "hdemo-" + pid;            // interface names are at most 15 characters
    String peer = "hdemo-" + pid + "r";
    List<List<String>> undo = new ArrayList<>();
    try {
      run(List.of("ip", "netns", "add", ns));
      undo.add(List.of("ip", "netns", "del", ns));
      run(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns));
      undo.add(0, List.of("ip", "link", "del", host));
      for (DemoConfig.Node n : nodes) {
        run(List.of("ip", "addr", "add", n.sourceAddress() + "/" + BLOCK_LENGTH, "dev", host));
      }
      run(List.of("ip", "link", "set", host, "up"));
      run(List.of("ip", "-n", ns, "addr", "add", address + "/" + BLOCK_LENGTH, "dev", peer));
      run(List.of("ip", "-n", ns, "link", "set", peer, "up"));
      run(List.of("ip", "-n", ns, "link", "set", "lo", "up"));

      Path conf = dir.resolve("bird.conf");
      Files.writeString(conf, config(address, nodes, localAsn, neighbourAsn, dir), StandardCharsets.UTF_8);
      Path socket = dir.resolve("bird.ctl");
      List<String> cmd = new ArrayList<>();
      // setsid: a Ctrl-C at the terminal reaches the demo, which stops BIRD itself, last.
      executable("setsid").ifPresent(s -> cmd.add(s.toString()));
      cmd.addAll(List.of("ip", "netns", "exec", ns, "bird", "-f", "-c", conf.toString(), "-s", socket.toString()));
      Process bird = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("bird.out").toFile()).start();
      String version = awaitUp(bird, socket, dir);
      return new BirdRouter(address, ns, host, dir, bird, version, localAsn);
    } catch (IOException | RuntimeException e) {
      for (List<String> u : undo) {
        try {
          run(u);
        } catch (IllegalStateException ignored) {
          // Best effort: the namespace going takes the veth with it.
        }
      }
      if (e instanceof IOException io) throw new UncheckedIOException(io);
      throw (RuntimeException) e;
    }
  }

  static String config(String address, List<DemoConfig.Node> nodes, long localAsn, long neighbourAsn, Path dir) {
    StringBuilder b = new StringBuilder();
    b.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
    b.append("router id ").append(address).append(";\n");
    b.append("protocol device {}\n");
    // No kernel protocol: the routes stay in BIRD's table. Passive: the nodes dial in.
    // RFC 8212: eBGP needs explicit import and export policies.
    b.append("template bgp herald_node {\n")
        .append("  local ").append(address).append(" as ").append(localAsn).append(";\n")
        .append("  passive on;\n")
        .append("  ipv4 { import all; export none; };\n")
        .append("  ipv6 { import all; export none; };\n")
        .append("}\n");
    for (DemoConfig.Node n : nodes) {
      b.append("protocol bgp ").append(protocolName(n.name())).append(" from herald_node {\n")
          .append("  neighbor ").append(n.sourceAddress()).append(" as ").append(neighbourAsn).append(";\n")
          .append("}\n");
    }
    return b.toString();
  }

  /** BIRD's symbols allow letters, digits and underscores. */
  static String protocolName(String node) {
    return node.replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static String awaitUp(Process bird, Path socket, Path dir) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!bird.isAlive()) {
        throw new IllegalStateException("bird exited with " + bird.exitValue() + ": "
            + Files.readString(dir.resolve("bird.out"), StandardCharsets.UTF_8).strip());
      }
      if (Files.exists(socket)) {
        try {
          String status = run(List.of("birdc", "-s", socket.toString(), "show", "status"));
          if (status.contains("Daemon is up and running")) {
            return status.lines().findFirst().orElse("BIRD").replace(" ready.", "");
          }
        } catch (IllegalStateException notYet) {
          // The socket exists before BIRD answers on it.
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting bird");
      }
    }
    bird.destroy();
    throw new IllegalStateException("bird did not answer on " + socket + " within 15 s");
  }

  @Override
  public String describe() {
    return version + " in network namespace " + namespace + " on " + address + ":179 (veth " + hostVeth + ")";
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public int port() {
    return 179;
  }

  @Override
  public long asn() {
    return asn;
  }

  /** The raw {@code birdc show route all}, as a person would see it. */
  public String showRouteAll() {
    return run(List.of("birdc", "-s", dir.resolve("bird.ctl").toString(), "show", "route", "all"));
  }

  @Override
  public List<LearnedRoute> table() {
    return BirdRoutes.parse(showRouteAll());
  }

  @Override
  public String inspectCommand() {
    return "birdc -s " + dir.resolve("bird.ctl") + " show route all";
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    bird.destroy();   // SIGTERM: BIRD closes its sessions and exits
    try {
      if (!bird.waitFor(10, TimeUnit.SECONDS)) {
        bird.destroyForcibly();
        bird.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      bird.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // Deleting the namespace removes its end of the veth, and with it the root side.
    for (List<String> cmd : List.of(List.of("ip", "netns", "del", namespace), List.of("ip", "link", "del", hostVeth))) {
      try {
        run(cmd);
      } catch (IllegalStateException alreadyGone) {
        // The veth goes with the namespace.
      }
    }
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");   // Uid: real effective saved filesystem
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static Optional<Path> executable(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** Runs a short command; its output, or IllegalStateException with the output when it fails. */
  static String run(List<String> cmd) {
    List<String> resolved = new ArrayList<>(cmd);
    executable(cmd.get(0)).ifPresent(p -> resolved.set(0, p.toString()));
    try {
      Process p = new ProcessBuilder(resolved).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + ": did not finish");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + ": " + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", cmd) + ": interrupted", e);
    }
  }
}
