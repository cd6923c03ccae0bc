package io.herald.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.codec.BgpError;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Update;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two of our own sessions over real TCP on loopback: one announces, the other collects. Proves the
 * shell end to end (FSM actions, timers, channel, Adj-RIB-Out, packing, decoding); interop with
 * other implementations is proven by the *IT tests against real routers.
 */
class BgpPeerLoopbackTest {
  private static final Asn COLLECTOR_AS = Asn.of(64500);
  private static final Asn SPEAKER_AS = Asn.of(4_200_000_001L); // 4-octet: exercises RFC 6793

  private BgpTransport transport;
  private BgpListener server;
  private final List<AutoCloseable> closers = new ArrayList<>();

  /** What the collector side has learned, like a router's Adj-RIB-In. */
  static final class Rib implements PeerListener {
    final Map<Prefix, Update> routes = new ConcurrentHashMap<>();
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<Established> established = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(String from, String to, String reason) {
      states.add(to + (reason.isEmpty() ? "" : " " + reason));
    }

    @Override
    public void established(Established info) {
      established.add(info);
    }

    @Override
    public void updateReceived(Update u, List<BgpError> issues) {
      u.withdrawn().forEach(routes::remove);
      u.mpUnreach().ifPresent(m -> m.withdrawn().forEach(routes::remove));
      u.nlri().forEach(p -> routes.put(p, u));
      u.mpReach().ifPresent(m -> m.nlri().forEach(p -> routes.put(p, u)));
    }
  }

  static final class Speaker implements PeerListener {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> states = new CopyOnWriteArrayList<>();

    @Override
    public void tableSent(int announced, int withdrawn, Duration elapsed) {
      sent.add(announced + "/" + withdrawn);
    }

    @Override
    public void stateChanged(String from, String to, String reason) {
      states.add(to + (reason.isEmpty() ? "" : " " + reason));
    }
  }

  @BeforeEach
  void setUp() {
    transport = new BgpTransport();
  }

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(closers);
    for (AutoCloseable c : closers) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
    transport.close();
  }

  private PeerConfig config(String peer, int port, Asn local, Asn remote, String id, boolean passive,
      Duration hold) {
    return new PeerConfig(new InetSocketAddress(IpLiterals.parse(peer), port), local, remote,
        RouterId.parse(id), hold, Duration.ofMillis(200), passive,
        new TcpSettings(Optional.of(IpLiterals.parse(passive ? "127.0.0.2" : "127.0.0.3")),
            Optional.empty(), OptionalInt.empty()),
        Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), true, Duration.ofSeconds(120),
        false);
  }

  private BgpPeer collector(Rib rib) {
    BgpPeer c = BgpPeer.create(transport,
        config("127.0.0.3", 179, COLLECTOR_AS, SPEAKER_AS, "192.0.2.1", true, Duration.ofSeconds(9)), rib);
    server = BgpListener.bind(transport, new InetSocketAddress(IpLiterals.parse("127.0.0.2"), 0), List.of(c));
    c.start();
    closers.add(() -> c.shutdown("test over").get(5, TimeUnit.SECONDS));
    return c;
  }

  private BgpPeer speaker(Speaker listener, Asn peerAs) {
    int port = server.localAddress().getPort();
    BgpPeer s = BgpPeer.create(transport,
        config("127.0.0.2", port, SPEAKER_AS, peerAs, "192.0.2.11", false, Duration.ofSeconds(9)), listener);
    closers.add(() -> s.shutdown("test over").get(5, TimeUnit.SECONDS));
    return s;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private static Map<Prefix, RouteAttributes> routes(int n, RouteAttributes attrs) {
    Map<Prefix, RouteAttributes> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(Prefix.host(IpLiterals.ipv4(0xC6336400 + i)), attrs); // 198.51.100.0 upwards
    }
    return m;
  }

  @Test
  void announcesWithAttributesThenWithdrawsOnlyTheDifference() throws Exception {
    Rib rib = new Rib();
    collector(rib);
    Speaker sp = new Speaker();
    BgpPeer speaker = speaker(sp, COLLECTOR_AS);
    RouteAttributes attrs = new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")),
        OptionalLong.empty(), OptionalLong.of(7), List.of(Community.parse("64500:100"), Community.NO_EXPORT),
        List.of(LargeCommunity.parse("64500:1:2")));
    RouteAttributes v6 = new RouteAttributes(Optional.of(IpLiterals.parse("2001:db8::11")),
        OptionalLong.empty(), OptionalLong.empty(), List.of(), List.of());
    Map<Prefix, RouteAttributes> desired = new HashMap<>(routes(3000, attrs));
    desired.put(Prefix.parse("2001:db8:ffff::10/128"), v6);
    speaker.setRoutes(desired);
    speaker.start();

    await("3001 routes", () -> rib.routes.size() == 3001);
    Update u = rib.routes.get(Prefix.parse("198.51.100.5/32"));
    assertThat(u.attribute(NextHop.class).orElseThrow().address()).isEqualTo(IpLiterals.parse("192.0.2.11"));
    assertThat(u.attribute(AsPath.class).orElseThrow()).isEqualTo(AsPath.sequence(SPEAKER_AS));
    assertThat(u.attribute(Communities.class).orElseThrow().communities())
        .containsExactly(Community.of(64500, 100), Community.NO_EXPORT);
    assertThat(u.attribute(LargeCommunities.class).orElseThrow().communities())
        .containsExactly(new LargeCommunity(64500, 1, 2));
    assertThat(u.attribute(LocalPref.class)).as("no LOCAL_PREF towards eBGP").isEmpty();
    assertThat(rib.routes.get(Prefix.parse("2001:db8:ffff::10/128")).mpReach().orElseThrow().nextHop())
        .isEqualTo(IpLiterals.parse("2001:db8::11"));
    assertThat(rib.established.get(0).fourOctetAs()).isTrue();
    await("initial table reported", () -> sp.sent.contains("3001/0"));
    assertThat(speaker.prePackedFeeds()).as("the table was packed before the session").isEqualTo(1);

    // A new desired set: 1000 fewer IPv4 routes and no IPv6 route. Only the difference moves.
    Map<Prefix, RouteAttributes> smaller = routes(2000, attrs);
    speaker.setRoutes(smaller);
    await("2000 routes", () -> rib.routes.size() == 2000);
    await("withdrawal reported", () -> sp.sent.contains("0/1001"));
    assertThat(rib.routes.keySet()).isEqualTo(smaller.keySet());
    assertThat(sp.states).as("no session reset for a route change").containsOnlyOnce("Established");
  }

  /** Next hop 192.0.2.11 and one community. */
  private static RouteAttributes tagged(String community) {
    return new RouteAttributes(Optional.of(IpLiterals.parse("192.0.2.11")), OptionalLong.empty(), OptionalLong.empty(),
        List.of(Community.parse(community)), List.of());
  }

  @Test
  void changesToPartOfTheSetMoveOnlyThoseRoutesBeforeAndDuringTheSession() throws Exception {
    Rib rib = new Rib();
    collector(rib);
    Speaker sp = new Speaker();
    BgpPeer speaker = speaker(sp, COLLECTOR_AS);
    RouteAttributes attrs = tagged("64500:100");
    RouteAttributes other = tagged("64500:200");
    Map<Prefix, RouteAttributes> all = routes(1000, attrs);
    speaker.setRoutes(all);
    // Before the session: a change lands in the table the session will start with.
    Prefix first = Prefix.parse("198.51.100.0/32");
    Prefix extra = Prefix.parse("203.0.113.9/32");
    Map<Prefix, RouteAttributes> before = new HashMap<>();
    before.put(first, null);
    before.put(extra, attrs);
    speaker.updateRoutes(before);
    speaker.start();
    await("1000 routes", () -> rib.routes.size() == 1000);
    assertThat(rib.routes).doesNotContainKey(first).containsKey(extra);
    await("initial table reported", () -> sp.sent.contains("1000/0"));

    // During it: one withdrawn, one with other attributes, one new; the rest is not sent again.
    Prefix second = Prefix.parse("198.51.100.1/32");
    Prefix third = Prefix.parse("198.51.100.2/32");
    Map<Prefix, RouteAttributes> during = new HashMap<>();
    during.put(second, null);
    during.put(third, other);
    during.put(first, attrs);
    speaker.updateRoutes(during);
    await("the change reported", () -> sp.sent.contains("2/1"));
    await("the change at the collector", () -> !rib.routes.containsKey(second) && rib.routes.containsKey(first)
        && rib.routes.get(third).attribute(Communities.class).orElseThrow().communities().contains(Community.of(64500, 200)));
    assertThat(rib.routes).hasSize(1000);
    assertThat(rib.routes.get(third).attribute(Communities.class).orElseThrow().communities())
        .containsExactly(Community.of(64500, 200));
    assertThat(sp.states).as("no session reset for a route change").containsOnlyOnce("Established");
  }

  @Test
  void withoutAKnownSourceAddressTheFeedIsPackedAtEstablished() throws Exception {
    // A collector that expects the speaker from 127.0.0.1, the kernel's choice towards 127.0.0.2.
    Rib rib = new Rib();
    PeerConfig cc = config("127.0.0.1", 179, COLLECTOR_AS, SPEAKER_AS, "192.0.2.1", true, Duration.ofSeconds(9));
    BgpPeer c = BgpPeer.create(transport, cc, rib);
    server = BgpListener.bind(transport, new InetSocketAddress(IpLiterals.parse("127.0.0.2"), 0), List.of(c));
    c.start();
    closers.add(() -> c.shutdown("test over").get(5, TimeUnit.SECONDS));
    PeerConfig sc = config("127.0.0.2", server.localAddress().getPort(), SPEAKER_AS, COLLECTOR_AS, "192.0.2.11",
        false, Duration.ofSeconds(9));
    // No source address: our address, the next hop of these routes, is known only once connected.
    PeerConfig unbound = new PeerConfig(sc.peer(), sc.localAs(), sc.peerAs(), sc.routerId(), sc.holdTime(),
        sc.connectRetry(), sc.passive(), TcpSettings.DEFAULT, sc.families(), sc.gracefulRestart(), sc.restartTime(),
        sc.restarting());
    Speaker sp = new Speaker();
    BgpPeer s = BgpPeer.create(transport, unbound, sp);
    closers.add(() -> s.shutdown("test over").get(5, TimeUnit.SECONDS));
    s.setRoutes(routes(500, RouteAttributes.DEFAULT));
    s.start();
    await("500 routes", () -> rib.routes.size() == 500);
    assertThat(rib.routes.get(Prefix.parse("198.51.100.7/32")).attribute(NextHop.class).orElseThrow().address())
        .isEqualTo(IpLiterals.parse("127.0.0.1"));
    await("initial table reported", () -> sp.sent.contains("500/0"));
    assertThat(s.prePackedFeeds()).as("packed at Established, not before").isZero();
  }

  @Test
  void wrongPeerAsIsRefusedWithBadPeerAs() throws Exception {
    Rib rib = new Rib();
    collector(rib);
    Speaker sp = new Speaker();
    BgpPeer speaker = speaker(sp, Asn.of(64999)); // the collector is AS 64500
    speaker.start();
    // The speaker checks the collector's OPEN: 2/2 Bad Peer AS (RFC 4271 §6.2), never Established.
    await("a 2/2 refusal", () -> sp.states.stream().anyMatch(s -> s.contains("2/2") || s.contains("BAD_PEER_AS")));
    assertThat(sp.states).noneMatch(s -> s.startsWith("Established"));
    assertThat(rib.routes).isEmpty();
  }

  @Test
  void shutdownSendsCeaseWithTheShutdownCommunication() throws Exception {
    Rib rib = new Rib();
    collector(rib);
    Speaker sp = new Speaker();
    BgpPeer speaker = speaker(sp, COLLECTOR_AS);
    speaker.setRoutes(routes(1, RouteAttributes.DEFAULT));
    speaker.start();
    await("route", () -> rib.routes.size() == 1);
    speaker.shutdown("maintenance window 42").get(5, TimeUnit.SECONDS);
    await("collector down", () -> rib.states.stream().anyMatch(s -> s.contains("maintenance window 42")));
    assertThat(rib.states.stream().filter(s -> s.contains("maintenance window 42")).findFirst().orElseThrow())
        .contains("6/2");
  }

  @Test
  void passiveSideAcceptsTheSpeakerAgainAfterASessionEnds() throws Exception {
    Rib rib = new Rib();
    collector(rib);
    for (int round = 0; round < 2; round++) {
      Speaker sp = new Speaker();
      BgpPeer speaker = speaker(sp, COLLECTOR_AS);
      speaker.setRoutes(routes(5, RouteAttributes.DEFAULT));
      speaker.start();
      int expected = round + 1;
      await("established #" + expected, () -> rib.established.size() == expected);
      await("routes", () -> rib.routes.size() == 5);
      speaker.shutdown("round " + round).get(5, TimeUnit.SECONDS);
      await("collector back to listening", () -> rib.states.get(rib.states.size() - 1).startsWith("Active"));
      rib.routes.clear();
    }
  }
}
