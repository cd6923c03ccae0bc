package io.herald.protocol.interop;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * BIRD 2 as a test router: {@code bird -f} (foreground, so its PID is ours) with a generated
 * config, queried through {@code birdc} on a control socket in the work directory. One BGP
 * protocol per neighbor, named {@link #protocolName(String)}.
 *
 * <p>Lab-friendly timers: BIRD waits 5 s before its first connect, 120 s between retries and up to
 * 300 s after an error by default; here 1 s, 2 s and 1-5 s. BIRD jitters the hold timer down by up
 * to 25 % (RFC 4271 §10), so a silent peer is detected between 0.75·H−K and H.
 *
 * <p>Announcement attributes are set on the static routes. BIRD sends MED to eBGP neighbors only
 * when an export filter sets it, so a MED set here reaches iBGP neighbors only.
 */
public final class BirdPeer extends DaemonPeer {
  static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final String ctl;

  private BirdPeer(PeerConfig config) {
    super("bird", config);
    this.ctl = workDir.resolve("bird.ctl").toString();
  }

  /** Writes the config, starts BIRD and waits until its control socket answers. */
  public static BirdPeer start(PeerConfig config) {
    BirdPeer peer = new BirdPeer(config);
    peer.startOrClean(peer::launch);
    return peer;
  }

  private void launch() {
    String conf = write("bird.conf", renderConfig()).toString();
    String bird = Tools.require("bird").toString();
    Exec.run(bird, "-p", "-c", conf).orThrow();
    ChildProcess p = startProcess("bird", List.of(bird, "-f", "-c", conf, "-s", ctl, "-P",
        workDir.resolve("bird.pid").toString()), Map.of());
    Await.until("bird control socket", START_TIMEOUT, () -> {
      checkAlive(p);
      return Exec.run(Tools.require("birdc").toString(), "-s", ctl, "show", "status").ok();
    });
  }

  @Override
  public String kind() {
    return "bird";
  }

  /** BIRD protocol name for a neighbor: {@code n_} and the address with '.' and ':' as '_'. */
  public static String protocolName(String neighbor) {
    return "n_" + Addresses.canonical(neighbor).replace('.', '_').replace(':', '_');
  }

  /** Runs a CLI command (e.g. {@code "show route count"}) and returns its output without the banner. */
  public String birdc(String command) {
    List<String> cmd = new java.util.ArrayList<>(List.of(Tools.require("birdc").toString(), "-s", ctl));
    cmd.addAll(List.of(command.strip().split("\\s+")));
    Exec.Result r = Exec.run(cmd).orThrow();
    String out = r.stdout();
    if (out.startsWith("BIRD ")) {
      int nl = out.indexOf('\n');
      out = nl < 0 ? "" : out.substring(nl + 1);
    }
    return out;
  }

  @Override
  public SessionState state(String neighbor) {
    return BirdOutput.bgpState(birdc("show protocols all " + protocolName(neighbor)));
  }

  /** BIRD's log file so far (config errors, malformed attributes, session events). */
  public String log() {
    return read("bird.log");
  }

  /** The protocol's "Last error", e.g. "BGP Error: Hold timer expired". */
  public Optional<String> lastError(String neighbor) {
    return BirdOutput.lastError(birdc("show protocols all " + protocolName(neighbor)));
  }

  @Override
  public List<ReceivedRoute> routes(String neighbor) {
    return BirdOutput.routes(birdc("show route all table all protocol " + protocolName(neighbor)));
  }

  /** Imported count from {@code show protocols all}: one small answer even at 100k routes. */
  @Override
  public long routeCount(String neighbor) {
    return BirdOutput.importedRoutes(birdc("show protocols all " + protocolName(neighbor)));
  }

  /** Brings the session with {@code neighbor} down (BIRD sends a Cease NOTIFICATION, RFC 4486). */
  public void disable(String neighbor) {
    birdc("disable " + protocolName(neighbor));
  }

  public void enable(String neighbor) {
    birdc("enable " + protocolName(neighbor));
  }

  String renderConfig() {
    StringBuilder c = new StringBuilder();
    c.append("log \"").append(workDir.resolve("bird.log"))
        .append("\" { info, remote, warning, error, auth, fatal, bug };\n");
    c.append("router id ").append(config.routerIdOrDefault()).append(";\n");
    c.append("timeformat protocol iso long ms;\n");
    c.append("protocol device { scan time 10; }\n");
    if (config.kernelExport()) {
      // only BGP routes go to the namespace's FIB; merge paths makes ECMP routes
      c.append("protocol kernel kernel4 { ipv4 { import none; export where source = RTS_BGP; }; merge paths on; }\n");
      c.append("protocol kernel kernel6 { ipv6 { import none; export where source = RTS_BGP; }; merge paths on; }\n");
    }
    for (PeerConfig.Family f : PeerConfig.Family.values()) {
      boolean v6 = f == PeerConfig.Family.IPV6_UNICAST;
      c.append("protocol static static").append(v6 ? 6 : 4).append(" {\n  ").append(v6 ? "ipv6" : "ipv4").append(";\n");
      for (Announcement a : config.announcements(f)) {
        a.requireNo("BIRD", false);
        c.append("  route ").append(a.prefix()).append(" blackhole");
        String attrs = staticAttributes(a);
        c.append(attrs.isEmpty() ? ";\n" : " {" + attrs + " };\n");
      }
      c.append("}\n");
    }
    for (String n : config.neighbors()) {
      c.append("protocol bgp ").append(protocolName(n)).append(" {\n");
      c.append("  local ").append(config.localAddressFor(n)).append(" port ").append(config.listenPort())
          .append(" as ").append(config.localAsn()).append(";\n");
      c.append("  neighbor ").append(n).append(" port ").append(config.peerPort()).append(" as ")
          .append(config.peerAsn()).append(";\n");
      if (config.onLoopback()) {
        // several daemons share loopback: listen on our address only, not on 0.0.0.0:port
        c.append("  strict bind on;\n");
      }
      if (config.multihopTtl() != null) {
        c.append("  multihop ").append(config.multihopTtl()).append(";\n");
      } else if (config.onLoopback()) {
        // 127.x addresses are host-scope local addresses: BIRD refuses them as direct neighbors
        c.append("  multihop;\n");
      } else if (config.ibgp()) {
        // iBGP is multihop by default in BIRD; the namespaces share one link
        c.append("  direct;\n");
      }
      c.append("  hold time ").append(config.holdTimeSeconds()).append("; keepalive time ")
          .append(config.keepaliveSeconds()).append(";\n");
      c.append("  connect delay time 1; connect retry time 2; error wait time 1, 5;\n");
      if (config.passive()) {
        c.append("  passive on;\n");
      }
      if (config.md5Password() != null) {
        c.append("  password \"").append(config.md5Password()).append("\";\n");
      }
      for (PeerConfig.Family f : PeerConfig.Family.values()) {
        if (config.familiesFor(n).contains(f)) {
          c.append("  ").append(f == PeerConfig.Family.IPV6_UNICAST ? "ipv6" : "ipv4")
              .append(" { import all; export where source = RTS_STATIC; };\n");
        }
      }
      c.append("}\n");
    }
    return c.toString();
  }

  private static String staticAttributes(Announcement a) {
    StringBuilder s = new StringBuilder();
    if (a.origin() != null) {
      s.append(" bgp_origin = ORIGIN_").append(a.origin().name()).append(";");
    }
    if (a.med() != null) {
      s.append(" bgp_med = ").append(a.med()).append(";");
    }
    if (a.localPref() != null) {
      s.append(" bgp_local_pref = ").append(a.localPref()).append(";");
    }
    for (String cm : a.communities()) {
      s.append(" bgp_community.add((").append(cm.replace(':', ',')).append("));");
    }
    for (String cm : a.largeCommunities()) {
      s.append(" bgp_large_community.add((").append(cm.replace(':', ',')).append("));");
    }
    return s.toString();
  }
}
