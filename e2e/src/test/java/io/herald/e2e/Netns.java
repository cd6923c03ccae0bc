package io.herald.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One network namespace of the lab, named {@code he2e-<lab id>-<role>}. {@link #close()} kills
 * every process still in it (by PID, from {@code ip netns pids}) and deletes it; veth pairs with an
 * end in it disappear with it.
 */
final class Netns implements AutoCloseable {
  /** nft table that cuts traffic; its name is ours alone inside the namespace. */
  private static final String CUT_TABLE = "he2e_cut";

  private final String name;

  private Netns(String name) {
    this.name = name;
  }

  /** Creates the namespace with {@code lo} up. */
  static Netns create(String name) {
    Cmd.run(ip(), "netns", "add", name).orThrow();
    Netns ns = new Netns(name);
    ns.ip("link", "set", "lo", "up");
    return ns;
  }

  String name() {
    return name;
  }

  /** Runs {@code ip -n <ns> args...}, failing on a non-zero exit. */
  Cmd.Result ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ip(), "-n", name));
    cmd.addAll(List.of(args));
    return Cmd.run(cmd).orThrow();
  }

  /** Runs a short command inside the namespace; the caller checks the exit code. */
  Cmd.Result exec(String... command) {
    return Cmd.run(command(List.of(command)));
  }

  Cmd.Result exec(String stdin, List<String> command) {
    return Cmd.run(stdin, command(command));
  }

  List<String> command(List<String> command) {
    List<String> full = new ArrayList<>(List.of(ip(), "netns", "exec", name));
    full.addAll(command);
    return full;
  }

  Proc start(String processName, List<String> command, Path log) {
    return Proc.start(processName, command(command), log);
  }

  void sysctl(String... settings) {
    List<String> cmd = new ArrayList<>(List.of("sysctl", "-qw"));
    cmd.addAll(List.of(settings));
    Cmd.run(command(cmd)).orThrow();
  }

  /**
   * Drops every packet on {@code ifName} in both directions, as a pulled cable without carrier
   * loss: the peers see no FIN and no RST, so only their timers notice.
   */
  void cut(String ifName) {
    nft("table inet " + CUT_TABLE + " {\n"
        + "  chain in { type filter hook input priority -500; policy accept; iifname \"" + ifName + "\" drop; }\n"
        + "  chain out { type filter hook output priority -500; policy accept; oifname \"" + ifName + "\" drop; }\n"
        + "}\n");
  }

  /**
   * Drops traffic between this namespace and the {@code others} addresses only, in both
   * directions; everything else (the router link) keeps flowing.
   */
  void cutFrom(List<String> others) {
    String set = String.join(", ", others);
    nft("table inet " + CUT_TABLE + " {\n"
        + "  chain in { type filter hook input priority -500; policy accept; ip saddr { " + set + " } drop; }\n"
        + "  chain out { type filter hook output priority -500; policy accept; ip daddr { " + set + " } drop; }\n"
        + "}\n");
  }

  /** Removes what {@link #cut} or {@link #cutFrom} installed. */
  void heal() {
    exec(Cmd.require("nft"), "delete", "table", "inet", CUT_TABLE);
  }

  private void nft(String rules) {
    exec(rules, List.of(Cmd.require("nft"), "-f", "-")).orThrow();
  }

  List<Long> pids() {
    Cmd.Result r = Cmd.run(ip(), "netns", "pids", name);
    if (!r.ok()) {
      return List.of();
    }
    return r.out().lines().map(String::strip).filter(s -> s.matches("\\d+")).map(Long::parseLong).toList();
  }

  /** Kills what is left in the namespace (SIGTERM, then SIGKILL) and deletes it. */
  @Override
  public void close() {
    for (Long pid : pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<Long> left = pids();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Lab.pause(100);
      left = pids();
    }
    for (Long pid : left) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    Cmd.run(ip(), "netns", "del", name);
  }

  static String ip() {
    return Cmd.require("ip");
  }

  @Override
  public String toString() {
    return name;
  }
}
