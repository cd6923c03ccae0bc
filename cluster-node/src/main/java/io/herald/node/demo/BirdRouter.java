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
 * a veth pair from the root namespace. Documentation addresses only (RFC 5737): BIRD on
 * {@link #ADDRESS}, the nodes' sources on 192.0.2.11 and up on the root side. The namespace has no
 * other interface and no default route, and BIRD has no kernel protocol: it installs nothing.
 * Needs root and the {@code bird2} and {@code iproute2} packages; {@link #unavailable()} says why not.
 */
public final class BirdRouter implements DemoRouter {

  /** BIRD's address: the seed's own peer address, so the seed's peer needs no change but its source. */
  public static final String ADDRESS = "192.0.2.1";
  /** The root side's addresses come from this /24, one per node from .11. */
  public static final String SUBNET = "192.0.2.0/24";

  private final String namespace;
  private final String hostVeth;
  private final Path dir;
  private final Process bird;
  private final String version;
  private final long asn;
  private boolean closed;

  private BirdRouter(String namespace, String hostVeth, Path dir, Process bird, String version, long asn) {
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
      String addrs = run(List.of("ip", "-4", "-o", "addr", "show"));
      if (addrs.contains(" 192.0.2.")) {
        return Optional.of("192.0.2.0/24 is already in use in this network namespace");
      }
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  /** The root side's address of node {@code i} (0-based). */
  public static String sourceAddress(int i) {
    return "192.0.2." + (11 + i);
  }

  /**
   * Creates the namespace and veth, writes BIRD's configuration in {@code dir} and starts BIRD
   * with one passive BGP protocol per node; everything is undone if a step fails.
   *
   * @param nodes the node names (BIRD's protocol names) and their source addresses
   * @param localAsn BIRD's AS (the seed peer's peer-asn)
   * @param neighbourAsn the nodes' AS (the seed peer's my-asn)
   */
  public static BirdRouter start(List<DemoConfig.Node> nodes, long localAsn, long neighbourAsn, Path dir) {
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
        run(List.of("ip", "addr", "add", n.sourceAddress() + "/24", "dev", host));
      }
      run(List.of("ip", "link", "set", host, "up"));
      run(List.of("ip", "-n", ns, "addr", "add", ADDRESS + "/24", "dev", peer));
      run(List.of("ip", "-n", ns, "link", "set", peer, "up"));
      run(List.of("ip", "-n", ns, "link", "set", "lo", "up"));

      Path conf = dir.resolve("bird.conf");
      Files.writeString(conf, config(nodes, localAsn, neighbourAsn, dir), StandardCharsets.UTF_8);
      Path socket = dir.resolve("bird.ctl");
      List<String> cmd = new ArrayList<>();
      // setsid: a Ctrl-C at the terminal reaches the demo, which stops BIRD itself, last.
      executable("setsid").ifPresent(s -> cmd.add(s.toString()));
      cmd.addAll(List.of("ip", "netns", "exec", ns, "bird", "-f", "-c", conf.toString(), "-s", socket.toString()));
      Process bird = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("bird.out").toFile()).start();
      String version = awaitUp(bird, socket, dir);
      return new BirdRouter(ns, host, dir, bird, version, localAsn);
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

  static String config(List<DemoConfig.Node> nodes, long localAsn, long neighbourAsn, Path dir) {
    StringBuilder b = new StringBuilder();
    b.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
    b.append("router id ").append(ADDRESS).append(";\n");
    b.append("protocol device {}\n");
    // No kernel protocol: the routes stay in BIRD's table. Passive: the nodes dial in.
    // RFC 8212: eBGP needs explicit import and export policies.
    b.append("template bgp herald_node {\n")
        .append("  local ").append(ADDRESS).append(" as ").append(localAsn).append(";\n")
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
    return version + " in network namespace " + namespace + " on " + ADDRESS + ":179 (veth " + hostVeth + ")";
  }

  @Override
  public String address() {
    return ADDRESS;
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
