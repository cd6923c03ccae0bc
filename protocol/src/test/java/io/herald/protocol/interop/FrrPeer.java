package io.herald.protocol.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FRR as a test router, without systemd or watchfrr: {@code zebra} then {@code bgpd} in the
 * foreground, every path (configs, pid files, zserv socket, vty sockets, logs) inside the work
 * directory, queried with {@code vtysh --vty_socket}. The daemons drop to user {@code frr}, so the
 * work directory belongs to it.
 *
 * <p>On loopback only {@code bgpd -Z -l <addr>} runs: no zebra, no FIB (the root namespace's routing
 * table is never touched). FRR 8.4 treats a 127/8 next hop as martian and resets the session, so
 * on loopback FRR can send but not receive: a receiving FRR belongs in a namespace.
 *
 * <p>FRR 8 defaults to RFC 8212 ({@code bgp ebgp-requires-policy}): without it nothing would be
 * accepted or sent over eBGP.
 */
public final class FrrPeer extends DaemonPeer {
  static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  /** Prefix detail queries per vtysh call. */
  static final int DETAIL_BATCH = 200;

  private FrrPeer(PeerConfig config) {
    super("frr", config);
  }

  public static FrrPeer start(PeerConfig config) {
    FrrPeer peer = new FrrPeer(config);
    peer.startOrClean(peer::launch);
    return peer;
  }

  private void launch() {
    handWorkDirToFrr();
    String bgpdConf = write("bgpd.conf", renderConfig()).toString();
    List<String> common = List.of("-P", "0", "--vty_socket", workDir.toString());
    String zserv = workDir.resolve("zserv.api").toString();
    List<String> bgpd = new ArrayList<>(List.of(Tools.requireFrr("bgpd").toString()));
    bgpd.addAll(common);
    bgpd.addAll(List.of("-f", bgpdConf, "-i", workDir.resolve("bgpd.pid").toString(), "-p",
        String.valueOf(config.listenPort()), "--log", "file:" + workDir.resolve("bgpd.log")));
    if (config.onLoopback()) {
      bgpd.addAll(List.of("-Z", "-l", config.localAddressFor(config.neighbors().get(0))));
    } else {
      write("zebra.conf", "hostname zebra\n");
      List<String> zebra = new ArrayList<>(List.of(Tools.requireFrr("zebra").toString()));
      zebra.addAll(common);
      zebra.addAll(List.of("-f", workDir.resolve("zebra.conf").toString(), "-i",
          workDir.resolve("zebra.pid").toString(), "-z", zserv, "--log", "file:" + workDir.resolve("zebra.log")));
      ChildProcess z = startProcess("zebra", zebra, Map.of());
      Await.until("zebra zserv socket", START_TIMEOUT, () -> {
        checkAlive(z);
        return Files.exists(workDir.resolve("zserv.api"));
      });
      bgpd.addAll(List.of("-z", zserv));
      if (!config.kernelExport()) {
        bgpd.add("-n");
      }
    }
    ChildProcess b = startProcess("bgpd", bgpd, Map.of());
    Await.until("bgpd vty", START_TIMEOUT, () -> {
      checkAlive(b);
      return vtyshResult("show bgp summary json").ok();
    });
  }

  /** bgpd and zebra run as frr:frr and write pid files, sockets and logs here. */
  private void handWorkDirToFrr() {
    try {
      UserPrincipalLookupService users = workDir.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(workDir, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName("frr"));
      GroupPrincipal group = users.lookupPrincipalByGroupName("frr");
      view.setGroup(group);
      Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + workDir + " to user frr", e);
    }
  }

  @Override
  public String kind() {
    return "frr";
  }

  /** Runs one vtysh command against bgpd (e.g. {@code "clear bgp 192.0.2.1 soft in"}) and returns its output. */
  public String vtysh(String command) {
    return vtyshResult(command).orThrow().stdout();
  }

  private Exec.Result vtyshResult(String... commands) {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("vtysh").toString(), "--vty_socket",
        workDir.toString(), "-d", "bgpd"));
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    return Exec.run(cmd);
  }

  @Override
  public SessionState state(String neighbor) {
    String n = Addresses.canonical(neighbor);
    return FrrJson.state(vtysh("show bgp neighbors " + n + " json"), n);
  }

  @Override
  public long routeCount(String neighbor) {
    String n = Addresses.canonical(neighbor);
    return FrrJson.acceptedPrefixes(vtysh("show bgp neighbors " + n + " json"), n);
  }

  /**
   * FRR's route lists omit communities, so this lists the neighbor's prefixes, then asks for each
   * prefix's detail, {@value #DETAIL_BATCH} per vtysh call. Use {@link #routeCount} for big tables.
   */
  @Override
  public List<ReceivedRoute> routes(String neighbor) {
    String n = Addresses.canonical(neighbor);
    List<ReceivedRoute> out = new ArrayList<>();
    for (PeerConfig.Family f : PeerConfig.Family.values()) {
      if (!config.familiesFor(n).contains(f)) {
        continue;
      }
      String afi = f == PeerConfig.Family.IPV6_UNICAST ? "ipv6" : "ipv4";
      List<String> prefixes = FrrJson.prefixes(vtysh("show bgp " + afi + " unicast neighbors " + n + " routes json"));
      for (int i = 0; i < prefixes.size(); i += DETAIL_BATCH) {
        String[] batch = prefixes.subList(i, Math.min(prefixes.size(), i + DETAIL_BATCH)).stream()
            .map(p -> "show bgp " + afi + " unicast " + p + " json").toArray(String[]::new);
        out.addAll(FrrJson.routes(vtyshResult(batch).orThrow().stdout(), n));
      }
    }
    return out;
  }

  String renderConfig() {
    StringBuilder c = new StringBuilder();
    c.append("frr defaults traditional\nhostname hrld-frr\n!\n");
    List<Announcement> all = config.announce();
    for (int i = 0; i < all.size(); i++) {
      Announcement a = all.get(i);
      a.requireNo("FRR", false);
      String sets = routeMapSets(a);
      if (!sets.isEmpty()) {
        c.append("route-map HRLD-ANNOUNCE-").append(i).append(" permit 10\n").append(sets).append("!\n");
      }
    }
    c.append("router bgp ").append(config.localAsn()).append("\n");
    c.append(" bgp router-id ").append(config.routerIdOrDefault()).append("\n");
    c.append(" no bgp ebgp-requires-policy\n");
    c.append(" no bgp network import-check\n");
    c.append(" no bgp default ipv4-unicast\n");
    c.append(" timers bgp ").append(config.keepaliveSeconds()).append(" ").append(config.holdTimeSeconds())
        .append("\n");
    for (String n : config.neighbors()) {
      c.append(" neighbor ").append(n).append(" remote-as ").append(config.peerAsn()).append("\n");
      c.append(" neighbor ").append(n).append(" port ").append(config.peerPort()).append("\n");
      c.append(" neighbor ").append(n).append(" timers connect 2\n");
      if (config.onLoopback()) {
        c.append(" neighbor ").append(n).append(" update-source ").append(config.localAddressFor(n)).append("\n");
      }
      if (config.passive()) {
        c.append(" neighbor ").append(n).append(" passive\n");
      }
      if (config.md5Password() != null) {
        c.append(" neighbor ").append(n).append(" password ").append(config.md5Password()).append("\n");
      }
      if (config.multihopTtl() != null) {
        c.append(" neighbor ").append(n).append(" ebgp-multihop ").append(config.multihopTtl()).append("\n");
      }
    }
    for (PeerConfig.Family f : PeerConfig.Family.values()) {
      c.append(" address-family ").append(f == PeerConfig.Family.IPV6_UNICAST ? "ipv6" : "ipv4").append(" unicast\n");
      for (Announcement a : config.announcements(f)) {
        int i = all.indexOf(a);
        c.append("  network ").append(a.prefix());
        if (!routeMapSets(a).isEmpty()) {
          c.append(" route-map HRLD-ANNOUNCE-").append(i);
        }
        c.append("\n");
      }
      for (String n : config.neighbors()) {
        if (config.familiesFor(n).contains(f)) {
          c.append("  neighbor ").append(n).append(" activate\n");
        }
      }
      c.append(" exit-address-family\n");
    }
    c.append("!\n");
    return c.toString();
  }

  private static String routeMapSets(Announcement a) {
    StringBuilder s = new StringBuilder();
    if (a.origin() != null) {
      s.append(" set origin ").append(a.origin().name().toLowerCase(Locale.ROOT)).append("\n");
    }
    if (a.med() != null) {
      s.append(" set metric ").append(a.med()).append("\n");
    }
    if (a.localPref() != null) {
      s.append(" set local-preference ").append(a.localPref()).append("\n");
    }
    if (!a.communities().isEmpty()) {
      s.append(" set community ").append(String.join(" ", a.communities())).append("\n");
    }
    if (!a.largeCommunities().isEmpty()) {
      s.append(" set large-community ").append(String.join(" ", a.largeCommunities())).append("\n");
    }
    return s.toString();
  }
}
