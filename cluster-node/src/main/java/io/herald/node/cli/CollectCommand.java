package io.herald.node.cli;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.AsPathSegment;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.MultiExitDisc;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Update;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.session.BgpListener;
import io.herald.protocol.session.BgpPeer;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.session.PeerListener;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code herald bgp collect}: a route collector. Waits for one speaker to connect and prints
 * every route it announces or withdraws, one line each. Announces nothing itself.
 */
@Command(
    name = "collect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Accept a BGP session from one speaker and print the routes it announces ('+') and",
        "withdraws ('-'), one per line. Runs until SIGTERM or SIGINT."})
public final class CollectCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--local-asn", required = true, paramLabel = "ASN",
      converter = CliConverters.AsnConverter.class, description = "Our AS number.")
  Asn localAsn;

  @Option(names = "--peer", required = true, paramLabel = "ADDR",
      converter = CliConverters.AddressConverter.class, description = "The speaker's address.")
  InetAddress peer;

  @Option(names = "--peer-asn", required = true, paramLabel = "ASN",
      converter = CliConverters.AsnConverter.class, description = "The speaker's AS number.")
  Asn peerAsn;

  @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT",
      converter = CliConverters.SocketAddressConverter.class, description = "Where to listen.")
  InetSocketAddress listen;

  @Option(names = "--router-id", paramLabel = "IP", converter = CliConverters.RouterIdConverter.class,
      description = "Our BGP identifier (default: the IPv4 listen address).")
  RouterId routerId;

  @Option(names = "--hold-time", paramLabel = "DURATION", defaultValue = "90s",
      converter = CliConverters.DurationConverter.class, description = "Proposed hold time.")
  Duration holdTime;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    RouterId id = routerId;
    if (id == null) {
      if (!(listen.getAddress() instanceof java.net.Inet4Address v4)) {
        throw new ParameterException(cl, "--router-id is required with an IPv6 --listen address");
      }
      id = RouterId.of(v4);
    }
    PeerConfig config;
    try {
      config = new PeerConfig(new InetSocketAddress(peer, 179), localAsn, peerAsn, id, holdTime,
          Duration.ofSeconds(1), true, new TcpSettings(Optional.empty(), Optional.empty(), OptionalInt.empty()),
          Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), false, Duration.ofSeconds(120), false);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, e.getMessage());
    }
    PrintWriter out = cl.getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (BgpTransport transport = new BgpTransport()) {
      BgpPeer session = BgpPeer.create(transport, config, new PeerListener() {
        @Override
        public void stateChanged(String from, String to, String reason) {
          out.println("state " + from + " -> " + to + (reason.isEmpty() ? "" : " (" + reason + ")"));
          out.flush();
        }

        @Override
        public void updateReceived(Update update, List<BgpError> issues) {
          for (String line : describe(update, issues)) {
            out.println(line);
          }
          out.flush();
        }
      });
      try (BgpListener server = BgpListener.bind(transport, listen, List.of(session))) {
        Signals.on("TERM", stopped::countDown);
        Signals.on("INT", stopped::countDown);
        out.println("listening on " + IpLiterals.format(listen.getAddress()) + ":" + listen.getPort());
        out.flush();
        session.start();
        stopped.await();
        session.shutdown("route collector stopped").get(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  /** One line per announced or withdrawn prefix, attributes in a stable order. */
  static List<String> describe(Update u, List<BgpError> issues) {
    boolean withdrawAll = issues.stream().anyMatch(e -> e.action() == ErrorAction.TREAT_AS_WITHDRAW);
    List<String> lines = new ArrayList<>();
    u.endOfRibFamily().ifPresent(f -> lines.add("end-of-rib " + f));
    for (Prefix p : u.withdrawn()) {
      lines.add("- " + p);
    }
    u.mpUnreach().ifPresent(m -> m.withdrawn().forEach(p -> lines.add("- " + p)));
    StringJoiner attrs = new StringJoiner(" ");
    u.attribute(AsPath.class).ifPresent(p -> attrs.add("as-path " + asPath(p)));
    u.attribute(LocalPref.class).ifPresent(l -> attrs.add("local-pref " + l.value()));
    u.attribute(MultiExitDisc.class).ifPresent(m -> attrs.add("med " + m.value()));
    u.attribute(Communities.class).ifPresent(c -> attrs.add("communities " + join(c.communities())));
    u.attribute(LargeCommunities.class).ifPresent(c -> attrs.add("large-communities " + join(c.communities())));
    String tail = attrs.length() == 0 ? "" : " " + attrs;
    String verb = withdrawAll ? "- " : "+ ";
    String nh4 = u.attribute(NextHop.class).map(n -> IpLiterals.format(n.address())).orElse("?");
    for (Prefix p : u.nlri()) {
      lines.add(verb + p + (withdrawAll ? " (treat-as-withdraw)" : " via " + nh4 + tail));
    }
    Optional<MpReachNlri> mp = u.mpReach();
    if (mp.isPresent()) {
      String nh6 = IpLiterals.format(mp.get().nextHop())
          + mp.get().linkLocalNextHop().map(ll -> "," + IpLiterals.format(ll)).orElse("");
      for (Prefix p : mp.get().nlri()) {
        lines.add(verb + p + (withdrawAll ? " (treat-as-withdraw)" : " via " + nh6 + tail));
      }
    }
    return lines;
  }

  private static String asPath(AsPath p) {
    StringJoiner j = new StringJoiner(" ");
    for (AsPathSegment s : p.segments()) {
      StringJoiner seg = new StringJoiner(" ");
      s.asns().forEach(a -> seg.add(a.toString()));
      j.add(s.type() == AsPathSegment.Type.AS_SEQUENCE ? seg.toString() : "{" + seg + "}");
    }
    return j.length() == 0 ? "(empty)" : j.toString();
  }

  private static String join(List<?> items) {
    StringJoiner j = new StringJoiner(",");
    items.forEach(i -> j.add(i.toString()));
    return j.toString();
  }

}
