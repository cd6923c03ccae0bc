package io.herald.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BIRD 2 as the lab router: {@code bird -f} in the router namespace (foreground, so the PID is
 * ours), one BGP protocol per node, and a kernel protocol with {@code merge paths on} so that equal
 * routes from several nodes become one ECMP route in the FIB.
 *
 * <p>The timers are the lab's: hold {@code holdSeconds} with keepalive a third of it (RFC 4271
 * §10 suggests that ratio), connect retry 1 s and error wait 1-2 s so that a restarted node or
 * router is back within a second or two instead of BIRD's default minutes.
 */
final class BirdRouter implements Router {
  private static final Pattern PREFIX = Pattern.compile("^(\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+)\\s");

  private final Netns ns;
  private final Path dir;
  private final String localAddress;
  private final List<String> neighbors;
  private final int localAsn;
  private final int neighborAsn;
  private final int holdSeconds;
  private final List<String> announce;
  private Proc bird;
  private int starts;

  /**
   * A BIRD in {@code ns} at {@code localAddress}, AS {@code localAsn}, peering with {@code neighbors}
   * in AS {@code neighborAsn}. It announces {@code announce} (blackhole static routes); with nothing
   * to announce it is a router and installs what it receives into the kernel.
   */
  BirdRouter(Netns ns, Path dir, String localAddress, int localAsn, List<String> neighbors, int neighborAsn,
      int holdSeconds, List<String> announce) {
    this.localAsn = localAsn;
    this.ns = ns;
    this.dir = dir;
    this.localAddress = localAddress;
    this.neighbors = List.copyOf(neighbors);
    this.neighborAsn = neighborAsn;
    this.holdSeconds = holdSeconds;
    this.announce = List.copyOf(announce);
  }

  /** The lab router: AS {@value Router#ASN}, receives from the nodes, installs ECMP routes. */
  static BirdRouter router(Netns ns, Path dir, String localAddress, List<String> nodes, int holdSeconds) {
    return new BirdRouter(ns, dir, localAddress, ASN, nodes, NODE_ASN, holdSeconds, List.of());
  }

  @Override
  public String kind() {
    return "bird";
  }

  static String protocolName(String neighbor) {
    return "n_" + neighbor.replace('.', '_');
  }

  private boolean installs() {
    return announce.isEmpty();
  }

  String config() {
    StringBuilder c = new StringBuilder();
    c.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
    c.append("router id ").append(localAddress).append(";\n");
    c.append("timeformat protocol iso long ms;\n");
    // microseconds in the log: the route trace below stamps each import (hop timing in the benchmark)
    c.append("timeformat log \"%F %T.%6f\";\n");
    c.append("protocol device { scan time 10; }\n");
    if (installs()) {
      c.append("protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; merge paths on; }\n");
    }
    c.append("protocol static { ipv4;\n");
    for (String p : announce) {
      c.append("  route ").append(p).append(" blackhole;\n");
    }
    c.append("}\n");
    for (String n : neighbors) {
      c.append("protocol bgp ").append(protocolName(n)).append(" {\n")
          .append("  local ").append(localAddress).append(" as ").append(localAsn).append(";\n")
          .append("  neighbor ").append(n).append(" as ").append(neighborAsn).append(";\n")
          .append("  hold time ").append(holdSeconds).append("; keepalive time ").append(Math.max(1, holdSeconds / 3))
          .append(";\n")
          .append("  connect delay time 1; connect retry time 1; error wait time 1, 2;\n")
          .append(installs() ? "  debug { routes };\n" : "")
          // RFC 8326 §4.2: a route carrying GRACEFUL_SHUTDOWN gets the lowest preference, so a
          // draining node leaves the ECMP set before it withdraws
          .append("  ipv4 { import filter { if (65535, 0) ~ bgp_community then bgp_local_pref = 0; accept; };")
          .append(" export ").append(installs() ? "none" : "where source = RTS_STATIC").append("; };\n")
          .append("}\n");
    }
    return c.toString();
  }

  private String ctl() {
    return dir.resolve("bird.ctl").toString();
  }

  @Override
  public void start() {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("bird.conf"), config());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String conf = dir.resolve("bird.conf").toString();
    Cmd.run(Cmd.require("bird"), "-p", "-c", conf).orThrow();
    bird = ns.start("bird@" + ns.name(), List.of(Cmd.require("bird"), "-f", "-c", conf, "-s", ctl()),
        dir.resolve("bird-" + (++starts) + ".out"));
    Lab.await("bird control socket in " + ns, Duration.ofSeconds(15), () -> {
      if (!bird.isAlive()) {
        throw new AssertionError("bird exited: " + bird.tail(20));
      }
      return Cmd.run(Cmd.require("birdc"), "-s", ctl(), "show", "status").ok();
    });
  }

  @Override
  public void stop() {
    if (bird != null && bird.isAlive()) {
      bird.stop(Duration.ofSeconds(5));
    }
  }

  /** Kills BIRD with SIGKILL: its sessions go silent, as a crashed host. */
  void kill() {
    if (bird != null && bird.isAlive()) {
      bird.kill();
    }
  }

  String birdc(String... command) {
    List<String> cmd = new java.util.ArrayList<>(List.of(Cmd.require("birdc"), "-s", ctl()));
    cmd.addAll(List.of(command));
    return Cmd.run(cmd).orThrow().out();
  }

  @Override
  public boolean established(String neighbor) {
    return birdc("show", "protocols", protocolName(neighbor)).contains("Established");
  }

  @Override
  public Set<String> prefixesFrom(String neighbor) {
    Set<String> out = new TreeSet<>();
    for (String line : birdc("show", "route", "protocol", protocolName(neighbor)).split("\n")) {
      Matcher m = PREFIX.matcher(line);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * When BIRD imported {@code prefix} from {@code neighbor} (its route trace: {@code <TRACE> n_... >
   * added}), the first time at or after {@code notBefore}; null if not (yet) in the log.
   */
  java.time.Instant imported(String neighbor, String prefix, java.time.Instant notBefore) {
    // the channel's trace: "<TRACE> n_192_0_2_11.ipv4 > added [best] 203.0.113.0/32 ..."
    String marker = " " + protocolName(neighbor) + ".ipv4 > added ";
    String route = " " + prefix + " ";
    try (var lines = Files.lines(dir.resolve("bird.log"))) {
      return lines.filter(l -> l.contains(marker) && (l + " ").contains(route))
          .map(l -> java.time.LocalDateTime.parse(l.substring(0, 26).replace(' ', 'T'))
              .atZone(java.time.ZoneId.systemDefault()).toInstant())
          .filter(t -> !t.isBefore(notBefore)).findFirst().orElse(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "bird in " + ns;
  }
}
