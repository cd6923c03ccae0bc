package io.herald.node.cli;

import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.session.BgpListener;
import io.herald.protocol.session.BgpPeer;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.session.PeerListener;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.session.SessionWarmUp;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code herald bgp announce}: peer with one router and announce prefixes. A network engineer's
 * check that a node can peer with a router, and the driver of the speaker benchmark.
 */
@Command(
    name = "announce",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Peer with one router and announce prefixes until stopped.",
        "Prints one line when the session is Established and one when every prefix is sent.",
        "SIGUSR1 withdraws every prefix (the session stays up), SIGUSR2 announces them again,",
        "SIGTERM sends a Cease/Administrative Shutdown NOTIFICATION and exits 0."})
public final class AnnounceCommand implements java.util.concurrent.Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--local-asn", required = true, paramLabel = "ASN",
      converter = CliConverters.AsnConverter.class, description = "Our AS number (plain or asdot).")
  Asn localAsn;

  @Option(names = "--peer", required = true, paramLabel = "ADDR",
      converter = CliConverters.AddressConverter.class, description = "The router's address.")
  InetAddress peer;

  @Option(names = "--peer-asn", required = true, paramLabel = "ASN",
      converter = CliConverters.AsnConverter.class, description = "The router's AS number.")
  Asn peerAsn;

  @Option(names = "--peer-port", paramLabel = "N", defaultValue = "179",
      converter = CliConverters.PortConverter.class, description = "The router's port (default ${DEFAULT-VALUE}).")
  int peerPort;

  @Option(names = "--router-id", paramLabel = "IP", converter = CliConverters.RouterIdConverter.class,
      description = "Our BGP identifier (default: the IPv4 source or listen address).")
  RouterId routerId;

  @Option(names = "--source-address", paramLabel = "IP", converter = CliConverters.AddressConverter.class,
      description = "Local address to connect from.")
  InetAddress sourceAddress;

  @Option(names = "--hold-time", paramLabel = "DURATION", defaultValue = "90s",
      converter = CliConverters.DurationConverter.class,
      description = "Proposed hold time: 0 or at least 3s (default ${DEFAULT-VALUE}).")
  Duration holdTime;

  @ArgGroup(exclusive = true)
  Password password;

  static final class Password {
    @Option(names = "--password", paramLabel = "SECRET", description = "TCP MD5 signature key (RFC 2385).")
    String value;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the TCP MD5 key.")
    Path file;
  }

  @Option(names = "--ebgp-multihop", paramLabel = "N",
      description = "TTL for a router that is not directly connected (eBGP default TTL is 1).")
  Integer ebgpMultihop;

  @Option(names = "--next-hop", paramLabel = "IP", converter = CliConverters.AddressConverter.class,
      description = "Next hop to announce, once per family (default: our address on the session).")
  List<InetAddress> nextHops = new ArrayList<>();

  @Option(names = "--local-pref", paramLabel = "N", description = "LOCAL_PREF (iBGP only).")
  Long localPref;

  @Option(names = "--med", paramLabel = "N", description = "MULTI_EXIT_DISC.")
  Long med;

  @Option(names = "--community", paramLabel = "A:B|NAME",
      description = "Standard community, e.g. 64500:100 or no-export (repeatable).")
  List<String> communities = new ArrayList<>();

  @Option(names = "--large-community", paramLabel = "A:B:C",
      converter = CliConverters.LargeCommunityConverter.class,
      description = "Large community (RFC 8092), repeatable.")
  List<LargeCommunity> largeCommunities = new ArrayList<>();

  @Option(names = "--prefix", paramLabel = "P", converter = CliConverters.PrefixConverter.class,
      description = "Prefix to announce, e.g. 203.0.113.10/32 (repeatable).")
  List<Prefix> prefixes = new ArrayList<>();

  @Option(names = "--prefix-file", paramLabel = "FILE",
      description = "File with one prefix per line ('#' starts a comment).")
  Path prefixFile;

  @Option(names = "--passive", description = "Wait for the router to connect; accept it again after a session ends.")
  boolean passive;

  @Option(names = "--listen", paramLabel = "ADDR:PORT", converter = CliConverters.SocketAddressConverter.class,
      description = "With --passive: where to listen (default: the source address, port 179).")
  InetSocketAddress listen;

  @Option(names = "--graceful-restart", negatable = true, defaultValue = "true",
      description = "Advertise graceful restart (RFC 4724) so the router keeps our routes across a restart (default on).")
  boolean gracefulRestart;

  /** The validated pieces the run needs; built before any socket is opened. */
  record Plan(PeerConfig config, Map<Prefix, RouteAttributes> routes, Optional<InetSocketAddress> listen) {}

  @Override
  public Integer call() throws Exception {
    Plan plan = plan();
    PrintWriter out = spec.commandLine().getOut();
    return run(plan, out);
  }

  /** Checks the flags together; throws ParameterException with a one-line reason. */
  Plan plan() {
    CommandLine cl = spec.commandLine();
    if (listen != null && !passive) {
      throw new ParameterException(cl, "--listen needs --passive");
    }
    boolean internal = localAsn.equals(peerAsn);
    if (localPref != null && !internal) {
      throw new ParameterException(cl, "--local-pref applies to iBGP only (RFC 4271 §5.1.5); "
          + "--local-asn " + localAsn + " differs from --peer-asn " + peerAsn);
    }
    if (localPref != null && (localPref < 0 || localPref > 0xFFFF_FFFFL)) {
      throw new ParameterException(cl, "--local-pref must be 0..4294967295, was " + localPref);
    }
    if (med != null && (med < 0 || med > 0xFFFF_FFFFL)) {
      throw new ParameterException(cl, "--med must be 0..4294967295, was " + med);
    }
    if (ebgpMultihop != null) {
      if (internal) {
        throw new ParameterException(cl, "--ebgp-multihop applies to eBGP only");
      }
      if (ebgpMultihop < 1 || ebgpMultihop > 255) {
        throw new ParameterException(cl, "--ebgp-multihop must be 1..255, was " + ebgpMultihop);
      }
    }
    if (sourceAddress != null && sourceAddress.getClass() != peer.getClass()) {
      throw new ParameterException(cl, "--source-address and --peer must be of the same family");
    }
    long hold = holdTime.toMillis();
    if ((hold != 0 && hold < 3000) || holdTime.getSeconds() > 65535 || hold % 1000 != 0) {
      throw new ParameterException(cl,
          "--hold-time must be 0 or whole seconds from 3s to 65535s (RFC 4271 §4.2), was " + holdTime);
    }
    List<Community> parsedCommunities = new ArrayList<>();
    for (String c : communities) {
      try {
        parsedCommunities.add(Community.parse(c));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cl, "--community: " + e.getMessage());
      }
    }
    Optional<InetAddress> nh4 = Optional.empty();
    Optional<InetAddress> nh6 = Optional.empty();
    for (InetAddress nh : nextHops) {
      if (nh instanceof Inet4Address) {
        if (nh4.isPresent()) {
          throw new ParameterException(cl, "--next-hop given twice for IPv4");
        }
        nh4 = Optional.of(nh);
      } else {
        if (nh6.isPresent()) {
          throw new ParameterException(cl, "--next-hop given twice for IPv6");
        }
        nh6 = Optional.of(nh);
      }
    }
    List<Prefix> all = new ArrayList<>(prefixes);
    if (prefixFile != null) {
      all.addAll(readPrefixFile(cl, prefixFile));
    }
    Set<AddressFamily> families = new HashSet<>();
    families.add(peer instanceof Inet6Address ? AddressFamily.IPV6_UNICAST : AddressFamily.IPV4_UNICAST);
    boolean v4Session = peer instanceof Inet4Address;
    RouteAttributes v4 = attributes(nh4, parsedCommunities);
    RouteAttributes v6 = attributes(nh6, parsedCommunities);
    Map<Prefix, RouteAttributes> routes = new LinkedHashMap<>();
    for (Prefix p : all) {
      if (p.isIpv6()) {
        families.add(AddressFamily.IPV6_UNICAST);
        if (v4Session && nh6.isEmpty()) {
          throw new ParameterException(cl, "IPv6 prefix " + p + " over an IPv4 session needs an IPv6 --next-hop");
        }
        routes.put(p, v6);
      } else {
        families.add(AddressFamily.IPV4_UNICAST);
        if (!v4Session && nh4.isEmpty()) {
          throw new ParameterException(cl, "IPv4 prefix " + p + " over an IPv6 session needs an IPv4 --next-hop");
        }
        routes.put(p, v4);
      }
    }
    RouterId id = routerId;
    if (id == null) {
      InetAddress candidate = sourceAddress != null ? sourceAddress : (listen != null ? listen.getAddress() : null);
      if (!(candidate instanceof Inet4Address v4addr)) {
        throw new ParameterException(cl, "--router-id is required when there is no IPv4 --source-address or --listen address");
      }
      id = RouterId.of(v4addr);
    }
    Optional<String> md5 = Optional.empty();
    if (password != null) {
      md5 = Optional.of(password.value != null ? password.value : readPassword(cl, password.file));
      if (md5.get().isEmpty() || md5.get().length() > 80) {
        throw new ParameterException(cl, "the TCP MD5 password must be 1..80 characters");
      }
    }
    OptionalInt ttl = internal ? OptionalInt.empty() : OptionalInt.of(ebgpMultihop == null ? 1 : ebgpMultihop);
    // Passive, our address on the session is the one we listen on (unless that is a wildcard):
    // as the source address it lets the speaker pack the first table before the router connects.
    InetAddress local = sourceAddress;
    if (local == null && passive && listen != null && !listen.getAddress().isAnyLocalAddress()) {
      local = listen.getAddress();
    }
    TcpSettings tcp = new TcpSettings(Optional.ofNullable(local), md5, ttl);
    Optional<InetSocketAddress> listenAt = Optional.empty();
    if (passive) {
      InetSocketAddress l = listen;
      if (l == null) {
        if (sourceAddress == null) {
          throw new ParameterException(cl, "--passive needs --listen ADDR:PORT or --source-address");
        }
        l = new InetSocketAddress(sourceAddress, 179);
      }
      listenAt = Optional.of(l);
    }
    PeerConfig config;
    try {
      config = new PeerConfig(new InetSocketAddress(peer, peerPort), localAsn, peerAsn, id, holdTime,
          Duration.ofSeconds(1), passive, tcp, families, gracefulRestart, Duration.ofSeconds(120), false);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, e.getMessage());
    }
    return new Plan(config, routes, listenAt);
  }

  private RouteAttributes attributes(Optional<InetAddress> nextHop, List<Community> parsedCommunities) {
    return new RouteAttributes(nextHop,
        localPref == null ? OptionalLong.empty() : OptionalLong.of(localPref),
        med == null ? OptionalLong.empty() : OptionalLong.of(med),
        parsedCommunities, largeCommunities);
  }

  private static List<Prefix> readPrefixFile(CommandLine cl, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ParameterException(cl, "--prefix-file " + file + ": cannot read: " + e.getMessage());
    }
    List<Prefix> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String t = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (t.isEmpty()) {
        continue;
      }
      try {
        out.add(Prefix.parse(t));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cl, file + ":" + (i + 1) + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static String readPassword(CommandLine cl, Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ParameterException(cl, "--password-file " + file + ": cannot read: " + e.getMessage());
    }
  }

  private static int run(Plan plan, PrintWriter out) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Map<Prefix, RouteAttributes> none = Map.of();
    try (BgpTransport transport = new BgpTransport()) {
      PeerListener listener = new PeerListener() {
        @Override
        public void stateChanged(String from, String to, String reason) {
          System.err.println("state " + from + " -> " + to + (reason.isEmpty() ? "" : " (" + reason + ")"));
        }

        @Override
        public void established(Established e) {
          out.println("established peer=" + e.remote().getAddress().getHostAddress() + ":" + e.remote().getPort()
              + " local=" + e.local().getAddress().getHostAddress() + ":" + e.local().getPort()
              + " peer-asn=" + e.peerAs() + " hold=" + e.holdTimeSeconds() + "s"
              + " families=" + String.join(",", new java.util.TreeSet<>(e.families())));
          out.flush();
        }

        @Override
        public void tableSent(int announced, int withdrawn, Duration elapsed) {
          double ms = elapsed.toNanos() / 1e6;
          if (withdrawn > 0 && announced == 0) {
            out.printf("withdrew %d prefixes in %.1f ms%n", withdrawn, ms);
          } else {
            out.printf("sent %d prefixes in %.1f ms%n", announced, ms);
          }
          out.flush();
        }
      };
      // Warm the packing path before the session exists, like a router that loads its table
      // before peering: the first Established then pays no class loading or JIT cost.
      BgpPeer.warmUp(plan.routes(), 3);
      SessionWarmUp.run(transport, 3, 2000);
      // Collect the warm-up's garbage now, so no collection lands in the first table feed, and
      // let the compilations it queued finish before a router can connect.
      System.gc();
      SessionWarmUp.awaitCompilerIdle(Duration.ofSeconds(5));
      BgpPeer session = BgpPeer.create(transport, plan.config(), listener);
      session.setRoutes(plan.routes());
      BgpListener server = null;
      if (plan.listen().isPresent()) {
        server = BgpListener.bind(transport, plan.listen().get(), List.of(session));
      }
      Signals.on("USR1", () -> session.setRoutes(none));
      Signals.on("USR2", () -> session.setRoutes(plan.routes()));
      Signals.on("TERM", stopped::countDown);
      Signals.on("INT", stopped::countDown);
      session.start();
      stopped.await();
      session.shutdown("herald bgp announce stopped").get(5, TimeUnit.SECONDS);
      if (server != null) {
        server.close();
      }
    }
    return 0;
  }

}
