package io.herald.protocol.session;

import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Our speaker as a process, for tests that must run it inside a network namespace. Prints one
 * line per event on stdout ({@code state ...}, {@code established ...}, {@code table A/W},
 * {@code issue C/S ACTION}) and runs until killed.
 *
 * <p>Arguments: {@code --local ADDR --peer ADDR --local-as N --peer-as N [--hold S]
 * [--password P] [--local-pref N] [--community A:B]... [--large-community A:B:C]...
 * [--next-hop ADDR] [--prefix P]...}
 */
public final class SpeakerMain {
  private SpeakerMain() {}

  public static void main(String[] args) throws Exception {
    HeraldSpeaker.Settings s = new HeraldSpeaker.Settings();
    s.peerPort = 179;
    List<Prefix> prefixes = new ArrayList<>();
    List<Community> communities = new ArrayList<>();
    List<LargeCommunity> large = new ArrayList<>();
    Optional<java.net.InetAddress> nextHop = Optional.empty();
    OptionalLong localPref = OptionalLong.empty();
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--local" -> s.local = v;
        case "--peer" -> s.peer = v;
        case "--local-as" -> s.localAs = Long.parseLong(v);
        case "--peer-as" -> s.peerAs = Long.parseLong(v);
        case "--hold" -> s.hold = Duration.ofSeconds(Long.parseLong(v));
        case "--password" -> s.password = v;
        case "--local-pref" -> localPref = OptionalLong.of(Long.parseLong(v));
        case "--community" -> communities.add(Community.parse(v));
        case "--large-community" -> large.add(LargeCommunity.parse(v));
        case "--next-hop" -> nextHop = Optional.of(IpLiterals.parse(v));
        case "--prefix" -> prefixes.add(Prefix.parse(v));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    RouteAttributes attrs = new RouteAttributes(nextHop, localPref, OptionalLong.empty(), communities, large);
    Map<Prefix, RouteAttributes> routes = new LinkedHashMap<>();
    prefixes.forEach(p -> routes.put(p, attrs));
    PeerListener printer = new PeerListener() {
      @Override
      public void stateChanged(String from, String to, String reason) {
        System.out.println("state " + to + (reason.isEmpty() ? "" : " " + reason));
      }

      @Override
      public void established(Established e) {
        System.out.println("established " + e.families());
      }

      @Override
      public void tableSent(int announced, int withdrawn, Duration elapsed) {
        System.out.println("table " + announced + "/" + withdrawn);
      }

      @Override
      public void updateReceived(io.herald.protocol.message.Update u,
          List<io.herald.protocol.codec.BgpError> issues) {
        issues.forEach(e -> System.out.println("issue " + e.code().code() + "/" + e.code().subcode() + " " + e.action()));
      }
    };
    HeraldSpeaker h = HeraldSpeaker.start(s, routes, printer);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        h.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join();
  }
}
