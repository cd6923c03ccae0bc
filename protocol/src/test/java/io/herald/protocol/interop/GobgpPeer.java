package io.herald.protocol.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GoBGP ({@code gobgpd}) as a test router. Its gRPC API listens on a unix socket in the work
 * directory instead of the default {@code :50051} on all addresses, and pprof is off, so any
 * number of instances run side by side. Announcements are added with {@code gobgp global rib add}
 * after start-up, one CLI call per route: fine for a handful, too slow for bulk tables.
 *
 * <p>GoBGP waits 5-10 s before its first active connect whatever the connect-retry setting, so
 * tests start faster when GoBGP is passive and the other side connects.
 */
public final class GobgpPeer extends DaemonPeer {
  static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final String target;

  private GobgpPeer(PeerConfig config) {
    super("gobgp", config);
    this.target = "unix://" + workDir.resolve("api.sock");
  }

  public static GobgpPeer start(PeerConfig config) {
    GobgpPeer peer = new GobgpPeer(config);
    peer.startOrClean(peer::launch);
    return peer;
  }

  private void launch() {
    String conf = write("gobgpd.toml", renderConfig()).toString();
    String gobgpd = Tools.require("gobgpd").toString();
    Exec.run(gobgpd, "-d", "-f", conf).orThrow();
    ChildProcess p = startProcess("gobgpd", List.of(gobgpd, "-f", conf, "-p", "--api-hosts", target,
        "--pprof-disable"), Map.of());
    Await.until("gobgpd API", START_TIMEOUT, () -> {
      checkAlive(p);
      return Exec.run(Tools.require("gobgp").toString(), "--target", target, "global").ok();
    });
    config.announce().forEach(this::announce);
  }

  @Override
  public String kind() {
    return "gobgp";
  }

  /** Runs {@code gobgp --target <our socket> args...} and returns stdout. */
  public String gobgp(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("gobgp").toString(), "--target", target));
    cmd.addAll(List.of(args));
    return Exec.run(cmd).orThrow().stdout();
  }

  /** Adds a route to the global RIB; GoBGP advertises it to every neighbor. */
  public void announce(Announcement a) {
    a.requireNo("GoBGP", true);
    List<String> args = new ArrayList<>(List.of("global", "rib", "add", "-a", a.isIpv6() ? "ipv6" : "ipv4",
        a.prefix()));
    // GoBGP's default origin is INCOMPLETE, unlike the other routers: say IGP unless asked
    args.addAll(List.of("origin", (a.origin() == null ? "igp" : a.origin().name()).toLowerCase(Locale.ROOT)));
    if (a.nextHop() != null) {
      args.addAll(List.of("nexthop", a.nextHop()));
    }
    if (a.med() != null) {
      args.addAll(List.of("med", a.med().toString()));
    }
    if (a.localPref() != null) {
      args.addAll(List.of("local-pref", a.localPref().toString()));
    }
    if (!a.communities().isEmpty()) {
      args.addAll(List.of("community", String.join(",", a.communities())));
    }
    if (!a.largeCommunities().isEmpty()) {
      args.addAll(List.of("large-community", String.join(",", a.largeCommunities())));
    }
    gobgp(args.toArray(String[]::new));
  }

  public void withdraw(String prefix) {
    String p = Addresses.canonicalPrefix(prefix);
    gobgp("global", "rib", "del", "-a", Addresses.isIpv6(p) ? "ipv6" : "ipv4", p);
  }

  @Override
  public SessionState state(String neighbor) {
    Exec.Result r = Exec.run(Tools.require("gobgp").toString(), "--target", target, "-j", "neighbor",
        Addresses.canonical(neighbor));
    return r.ok() ? GobgpJson.state(r.stdout()) : SessionState.UNKNOWN;
  }

  @Override
  public List<ReceivedRoute> routes(String neighbor) {
    List<ReceivedRoute> out = new ArrayList<>();
    for (PeerConfig.Family f : config.familiesFor(Addresses.canonical(neighbor))) {
      out.addAll(GobgpJson.routes(gobgp("-j", "neighbor", Addresses.canonical(neighbor), "adj-in", "-a",
          f == PeerConfig.Family.IPV6_UNICAST ? "ipv6" : "ipv4")));
    }
    return out;
  }

  @Override
  public long routeCount(String neighbor) {
    return GobgpJson.received(gobgp("-j", "neighbor", Addresses.canonical(neighbor)));
  }

  String renderConfig() {
    StringBuilder c = new StringBuilder();
    List<String> locals = new ArrayList<>();
    for (String n : config.neighbors()) {
      String l = config.localAddressFor(n);
      if (!locals.contains(l)) {
        locals.add(l);
      }
    }
    c.append("[global.config]\n");
    c.append("  as = ").append(config.localAsn()).append("\n");
    c.append("  router-id = \"").append(config.routerIdOrDefault()).append("\"\n");
    c.append("  port = ").append(config.listenPort()).append("\n");
    c.append("  local-address-list = [").append(String.join(", ", locals.stream().map(a -> "\"" + a + "\"").toList()))
        .append("]\n");
    for (String n : config.neighbors()) {
      c.append("[[neighbors]]\n  [neighbors.config]\n");
      c.append("    neighbor-address = \"").append(n).append("\"\n");
      c.append("    peer-as = ").append(config.peerAsn()).append("\n");
      if (config.md5Password() != null) {
        c.append("    auth-password = \"").append(config.md5Password()).append("\"\n");
      }
      c.append("  [neighbors.transport.config]\n");
      c.append("    local-address = \"").append(config.localAddressFor(n)).append("\"\n");
      c.append("    remote-port = ").append(config.peerPort()).append("\n");
      if (config.passive()) {
        c.append("    passive-mode = true\n");
      }
      c.append("  [neighbors.timers.config]\n");
      c.append("    hold-time = ").append(config.holdTimeSeconds()).append("\n");
      c.append("    keepalive-interval = ").append(config.keepaliveSeconds()).append("\n");
      c.append("    connect-retry = 2\n");
      if (config.multihopTtl() != null) {
        c.append("  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = ")
            .append(config.multihopTtl()).append("\n");
      }
      for (PeerConfig.Family f : PeerConfig.Family.values()) {
        if (config.familiesFor(n).contains(f)) {
          c.append("  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"")
              .append(f == PeerConfig.Family.IPV6_UNICAST ? "ipv6-unicast" : "ipv4-unicast").append("\"\n");
        }
      }
    }
    return c.toString();
  }
}
