package io.herald.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Collector;
import io.herald.node.announce.PeerSession;
import io.herald.node.announce.PeerTelemetry;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router that stops reading must not make the node hold more than one desired set and one
 * channel's worth of UPDATEs, however many route changes arrive meanwhile; once it reads again it
 * gets exactly the newest set.
 */
class PeerSessionBackpressureTest {

  /** Netty's high water mark on BGP channels (BgpTransport): above it a channel is not writable. */
  static final long HIGH_WATER_MARK = 1024 * 1024;
  /**
   * One drain round is 16,384 prefixes, written while the channel was still writable; here every
   * prefix has its own MULTI_EXIT_DISC and so its own UPDATE of under 64 octets, which Netty counts
   * with 96 octets of overhead per queued message.
   */
  static final long ONE_ROUND = 16_384L * (64 + 96);
  /** Prefixes per desired set: enough UPDATEs to fill the kernel's buffers and pass the high mark. */
  static final int PREFIXES = 150_000;
  static final int CHANGES_WHILE_STALLED = 40;

  ActorTestKit testKit;
  BgpTransport transport;
  StalledRouter router;

  @BeforeEach
  void setUp() throws Exception {
    testKit = ActorTestKit.create();
    transport = new BgpTransport();
    router = new StalledRouter(IpLiterals.parse("127.0.0.2"), Asn.of(64500));
  }

  @AfterEach
  void tearDown() throws Exception {
    router.close();
    testKit.shutdownTestKit();
    transport.close();
  }

  /** Set {@code generation}: every prefix carries its own MED, which tells the generations apart. */
  static Map<Prefix, RouteAttributes> desiredSet(int generation) {
    Map<Prefix, RouteAttributes> routes = new HashMap<>();
    for (int i = 0; i < PREFIXES; i++) {
      // 10.0.0.0/8 stands in for Service addresses here: no route leaves the test's sockets.
      byte[] a = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
      routes.put(Prefix.of(address(a), 32), new RouteAttributes(Optional.empty(), OptionalLong.empty(),
          OptionalLong.of(med(generation, i)), List.of(), List.of()));
    }
    return routes;
  }

  static long med(int generation, int i) {
    return generation * 1_000_000L + i;
  }

  private static InetAddress address(byte[] a) {
    try {
      return InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A session to the stalled router, Established. */
  private ActorRef<PeerSession.Command> establishedSession(PeerTelemetry telemetry) throws Exception {
    PeerConfig config = new PeerConfig(new InetSocketAddress(IpLiterals.parse("127.0.0.2"), router.port()),
        Asn.of(64512), Asn.of(64500), RouterId.parse("192.0.2.1"), Duration.ofSeconds(9), Duration.ofMillis(200),
        false, new TcpSettings(Optional.of(IpLiterals.parse("127.0.0.1")), Optional.empty(), OptionalInt.empty()),
        Set.of(AddressFamily.IPV4_UNICAST), false, Duration.ofSeconds(120), false);
    ActorRef<PeerSession.Command> session = testKit.spawn(PeerSession.create(transport, config, telemetry));
    router.acceptAndEstablish();
    Collector.await("Established", telemetry::isEstablished);
    return session;
  }

  @Test
  void aRouterThatStopsReadingHoldsBackTheStreamAndGetsOnlyTheNewestSetOnceItReads() throws Exception {
    PeerTelemetry telemetry = new PeerTelemetry(Clock.systemUTC());
    ActorRef<PeerSession.Command> session = establishedSession(telemetry);

    // The first set is more than the socket buffers take: the channel stops being writable.
    session.tell(new PeerSession.SetRoutes(desiredSet(0)));
    Collector.await("the outbound buffer past the high water mark",
        () -> telemetry.pendingWriteBytes() > HIGH_WATER_MARK);
    assertThat(telemetry.desiredSetsHandedOver()).isEqualTo(1);

    // Changes keep coming while the router reads nothing: they collapse into one waiting set.
    for (int g = 1; g <= CHANGES_WHILE_STALLED; g++) {
      session.tell(new PeerSession.SetRoutes(desiredSet(g)));
      int generation = g;
      Collector.await("set " + g + " waiting", () -> telemetry.desiredSetWaiting()
          && telemetry.desiredSetsConflated() == generation - 1);
      assertThat(telemetry.desiredSetsHandedOver()).as("sets the session took while not writable").isEqualTo(1);
      assertThat(telemetry.pendingWriteBytes()).as("outbound bytes while not writable")
          .isGreaterThan(0).isLessThanOrEqualTo(HIGH_WATER_MARK + ONE_ROUND);
    }

    // The router reads again: it ends with the newest set, the stalled ones were never sent.
    router.resumeReading();
    int last = CHANGES_WHILE_STALLED;
    Map<Prefix, RouteAttributes> newest = desiredSet(last);
    Collector.await("the newest set at the router", () -> router.routes.size() == PREFIXES
        && newest.entrySet().stream().allMatch(e ->
            Long.valueOf(e.getValue().multiExitDisc().getAsLong()).equals(router.routes.get(e.getKey()))));
    assertThat(router.generationsSeen).as("sets on the wire: the first, then only the newest").containsOnly(0L, (long) last);
    assertThat(telemetry.desiredSetsHandedOver()).isEqualTo(2);
    assertThat(telemetry.desiredSetWaiting()).isFalse();
    assertThat(telemetry.desiredSetsConflated()).isEqualTo(CHANGES_WHILE_STALLED - 1);

    TestProbe<Done> stopped = testKit.createTestProbe();
    session.tell(new PeerSession.Stop(true, "", stopped.getRef()));
    stopped.expectMessage(Duration.ofSeconds(30), Done.getInstance());
  }

  @Test
  void changesWhileTheRouterReadsNothingGatherByPrefixAndLeaveAsOneDiff() throws Exception {
    PeerTelemetry telemetry = new PeerTelemetry(Clock.systemUTC());
    ActorRef<PeerSession.Command> session = establishedSession(telemetry);
    Map<Prefix, RouteAttributes> first = desiredSet(0);
    session.tell(new PeerSession.SetRoutes(first));
    Collector.await("the outbound buffer past the high water mark",
        () -> telemetry.pendingWriteBytes() > HIGH_WATER_MARK);

    // The same thousand prefixes change again and again, and a hundred others are withdrawn.
    List<Prefix> prefixes = List.copyOf(new java.util.TreeMap<>(first).keySet());
    for (int g = 1; g <= CHANGES_WHILE_STALLED; g++) {
      Map<Prefix, RouteAttributes> changes = new HashMap<>();
      for (int i = 0; i < 1000; i++) {
        changes.put(prefixes.get(i), new RouteAttributes(Optional.empty(), OptionalLong.empty(),
            OptionalLong.of(med(g, i)), List.of(), List.of()));
      }
      for (int i = 1000; i < 1100; i++) {
        changes.put(prefixes.get(i), null);
      }
      session.tell(new PeerSession.UpdateRoutes(changes));
      int generation = g;
      Collector.await("change " + g + " waiting", () -> telemetry.desiredSetWaiting()
          && telemetry.desiredSetsConflated() == generation - 1);
    }
    int last = CHANGES_WHILE_STALLED;
    assertThat(telemetry.desiredSetsHandedOver()).as("taken while not writable").isEqualTo(1);

    router.resumeReading();
    // The changed prefixes leave among the rest of the first set, in the table's order.
    Collector.await("the newest routes at the router", () -> router.routes.size() == PREFIXES - 100
        && java.util.stream.IntStream.range(0, 1000)
            .allMatch(i -> Long.valueOf(med(last, i)).equals(router.routes.get(prefixes.get(i)))));
    assertThat(router.routes).doesNotContainKeys(prefixes.subList(1000, 1100).toArray(Prefix[]::new));
    assertThat(router.generationsSeen).as("on the wire: the first set, then only the newest change").containsOnly(0L, (long) last);
    assertThat(telemetry.desiredSetsHandedOver()).isEqualTo(2);

    TestProbe<Done> stopped = testKit.createTestProbe();
    session.tell(new PeerSession.Stop(true, "", stopped.getRef()));
    stopped.expectMessage(Duration.ofSeconds(30), Done.getInstance());
  }

  @Test
  void aSessionStopsWhileItsRouterReadsNothing() throws Exception {
    PeerTelemetry telemetry = new PeerTelemetry(Clock.systemUTC());
    ActorRef<PeerSession.Command> session = establishedSession(telemetry);
    session.tell(new PeerSession.SetRoutes(desiredSet(0)));
    Collector.await("the outbound buffer past the high water mark",
        () -> telemetry.pendingWriteBytes() > HIGH_WATER_MARK);
    session.tell(new PeerSession.SetRoutes(desiredSet(1)));
    Collector.await("set 1 waiting", telemetry::desiredSetWaiting);
    assertThat(telemetry.desiredSetsHandedOver()).isEqualTo(1);

    // A shutdown does not wait for a channel that may never drain: the stream hands set 1 over
    // at once and completes (the session then withdraws everything anyway).
    TestProbe<Done> stopped = testKit.createTestProbe();
    session.tell(new PeerSession.Stop(false, "maintenance", stopped.getRef()));
    Collector.await("the pipeline emptied", () -> !telemetry.desiredSetWaiting()
        && telemetry.desiredSetsHandedOver() == 2);
    // The Cease waits behind the unread UPDATEs; the router going away ends it.
    router.close();
    stopped.expectMessage(Duration.ofSeconds(30), Done.getInstance());
  }
}
