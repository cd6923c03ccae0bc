package io.herald.node.announce;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.ServiceKey;
import io.herald.node.Collector;
import io.herald.node.TestNodes;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NodeAnnouncements with real sessions on loopback against collectors built on our own protocol
 * module: routes and their attributes arrive, changes are diffs on the same session, peers come
 * and go with Cease 6/3, and a drain re-announces with GRACEFUL_SHUTDOWN, withdraws, then closes.
 */
class NodeAnnouncementsLoopbackTest {
  private static final Asn AS = Asn.of(64500);
  private static final ActorTestKit testKit = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));

  private BgpTransport transport;
  private final List<AutoCloseable> closers = new ArrayList<>();

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
    transport.close();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private Collector collector(String listen) {
    Collector c = new Collector(transport, listen, "127.0.0.3", AS, AS);
    closers.add(c);
    return c;
  }

  private ActorRef<NodeAnnouncements.Command> node(HeraldConfig config) {
    return testKit.spawn(NodeAnnouncements.create("node-a", Map.of("rack", "a"),
        Optional.of((Inet4Address) IpLiterals.parse("127.0.0.3")), transport, config));
  }

  private static ServiceAnnouncement svc(String name, String pool, String ip) {
    return ServiceAnnouncement.announce(new ServiceKey("default", name), pool, List.of(IpAddress.of(ip)), Map.of());
  }

  @Test
  void announcesWithAttributesAndChangesRoutesWithoutResettingTheSession() throws Exception {
    Collector r1 = collector("127.0.0.2");
    var node = node(RoutePlannerTest.config(r1.port, 1));
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5"),
        svc("db", "private", "192.0.2.6"), svc("api", "public", "198.51.100.7"))));
    Collector.await("3 routes", () -> r1.routes.size() == 3);
    var web = r1.routes.get(Prefix.parse("192.0.2.5/32"));
    assertThat(web.attribute(Communities.class).orElseThrow().communities())
        .as("the gold-tier advertisement does not select this Service")
        .containsExactly(Community.of(64500, 100), Community.of(64500, 777));
    assertThat(web.attribute(LargeCommunities.class).orElseThrow().communities())
        .containsExactly(new LargeCommunity(64500, 1, 2));
    assertThat(web.attribute(LocalPref.class).orElseThrow().value()).isEqualTo(200);
    assertThat(r1.routes).containsKey(Prefix.parse("198.51.100.0/24"));

    // One Service withdrawn by the watcher, one deleted, one created: only the difference moves.
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5"),
        ServiceAnnouncement.withdraw(new ServiceKey("default", "db"), "private", List.of(IpAddress.of("192.0.2.6")),
            Map.of(), "noLocalEndpoints"),
        svc("new", "private", "192.0.2.9"))));
    Collector.await("diff applied", () -> r1.routes.keySet().equals(
        java.util.Set.of(Prefix.parse("192.0.2.5/32"), Prefix.parse("192.0.2.9/32"))));
    assertThat(r1.established).as("one session, never reset").hasSize(1);

    TestProbe<NodeAnnouncements.Status> probe = testKit.createTestProbe();
    node.tell(new NodeAnnouncements.GetStatus(probe.ref()));
    NodeAnnouncements.Status status = probe.receiveMessage();
    assertThat(status.peers()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("r1");
      assertThat(p.state()).isEqualTo("Established");
      assertThat(p.routesDesired()).isEqualTo(2);
    });
    assertThat(status.services()).extracting(s -> s.service().name() + ":" + s.advertisedTo())
        .containsExactlyInAnyOrder("web:[r1]", "db:[]", "new:[r1]");
  }

  @Test
  void changesToTheSetMoveOnlyTheirServicesRoutes() throws Exception {
    Collector r1 = collector("127.0.0.2");
    var node = node(RoutePlannerTest.config(r1.port, 1));
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5"),
        svc("db", "private", "192.0.2.6"))));
    Collector.await("2 routes", () -> r1.routes.size() == 2);
    var applied = testKit.<NodeAnnouncements.DesiredApplied>createTestProbe();
    // db deleted, api created, web moved to another address; anything not named stays.
    node.tell(new NodeAnnouncements.UpdateDesired(List.of(svc("api", "public", "198.51.100.7"),
        svc("web", "private", "192.0.2.8")), List.of(new ServiceKey("default", "db")), Optional.of(applied.ref())));
    applied.expectMessage(NodeAnnouncements.DesiredApplied.INSTANCE);
    Collector.await("changes applied", () -> r1.routes.keySet().equals(
        java.util.Set.of(Prefix.parse("192.0.2.8/32"), Prefix.parse("198.51.100.0/24"))));
    node.tell(new NodeAnnouncements.UpdateDesired(List.of(svc("new", "private", "192.0.2.9")), List.of(), Optional.empty()));
    Collector.await("one more", () -> r1.routes.size() == 3);
    // A whole set after changes replaces everything the changes left.
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("db", "private", "192.0.2.6"))));
    Collector.await("the whole set", () -> r1.routes.keySet().equals(java.util.Set.of(Prefix.parse("192.0.2.6/32"))));
    assertThat(r1.established).as("one session, never reset").hasSize(1);
  }

  @Test
  void addingAPeerStartsASessionAndRemovingOneSendsCeaseDeconfigured() throws Exception {
    Collector r1 = collector("127.0.0.2");
    Collector r2 = collector("127.0.0.4");
    HeraldConfig both = RoutePlannerTest.config(r1.port, r2.port);
    // r2 selects nodes with rack=b: this node is rack=a, so it peers only with r1 at first.
    var node = node(both);
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5"))));
    Collector.await("r1 route", () -> r1.routes.size() == 1);
    node.tell(new NodeAnnouncements.SetNodeLabels(Map.of("rack", "b")));
    Collector.await("r2 route", () -> r2.routes.size() == 1);
    assertThat(r1.established).hasSize(1);

    HeraldConfig onlyR2 = new HeraldConfig(both.pools(),
        both.peers().stream().filter(p -> p.name().equals("r2")).toList(), both.bgpAdvertisements(),
        both.l2Advertisements(), both.communities(), both.bfdProfiles());
    node.tell(new NodeAnnouncements.SetConfig(onlyR2));
    Collector.await("r1 told 6/3", () -> r1.log.stream().anyMatch(s -> s.contains("6/3")));
    assertThat(r2.established).as("r2 untouched").hasSize(1);
    assertThat(r2.routes).hasSize(1);
  }

  @Test
  void drainReannouncesWithGracefulShutdownThenWithdrawsThenCloses() throws Exception {
    Collector r1 = collector("127.0.0.2");
    var node = node(RoutePlannerTest.config(r1.port, 1));
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5"))));
    Collector.await("route", () -> r1.routes.size() == 1);
    TestProbe<Done> done = testKit.createTestProbe();
    node.tell(new NodeAnnouncements.Drain(Duration.ofMillis(700), "node drained for maintenance", done.ref()));
    Collector.await("graceful shutdown community", () -> r1.log.contains("A 192.0.2.5/32 GS"));
    assertThat(r1.routes).as("still announced during the drain").hasSize(1);
    done.expectMessage(Duration.ofSeconds(10), Done.getInstance());
    Collector.await("session closed", () -> r1.log.stream().anyMatch(s -> s.contains("node drained for maintenance")));
    List<String> log = List.copyOf(r1.log);
    int gs = log.indexOf("A 192.0.2.5/32 GS");
    int withdrawn = log.indexOf("W 192.0.2.5/32");
    int down = indexOf(log, "node drained for maintenance");
    assertThat(gs).isLessThan(withdrawn);
    assertThat(withdrawn).isLessThan(down);
    assertThat(log.get(down)).contains("6/2");
  }

  private static int indexOf(List<String> log, String part) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aSetSentWithAReplyIsAnsweredOncePlannedOrReplaced() throws Exception {
    Collector r1 = collector("127.0.0.2");
    var node = node(RoutePlannerTest.config(r1.port, 1));
    var first = testKit.<NodeAnnouncements.DesiredApplied>createTestProbe();
    var second = testKit.<NodeAnnouncements.DesiredApplied>createTestProbe();
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5")), Optional.of(first.ref())));
    node.tell(new NodeAnnouncements.SetDesired(List.of(svc("web", "private", "192.0.2.5"), svc("db", "private", "192.0.2.6")),
        Optional.of(second.ref())));
    // Both are answered, whether the first was planned or replaced by the second.
    first.expectMessage(NodeAnnouncements.DesiredApplied.INSTANCE);
    second.expectMessage(NodeAnnouncements.DesiredApplied.INSTANCE);
    Collector.await("the newest set's 2 routes", () -> r1.routes.size() == 2);
  }
}
