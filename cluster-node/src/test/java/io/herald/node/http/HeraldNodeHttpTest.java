package io.herald.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.node.Collector;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.Readiness;
import io.herald.node.TestNodes;
import io.herald.node.announce.NodeAnnouncements;
import io.herald.node.announce.ServiceAnnouncement;
import io.herald.node.cli.StatusCommand;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.types.Asn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * One real node (cluster of one, H2 journal, a BGP session to a loopback collector) seen through
 * its management HTTP API and {@code herald status}; the last test shuts it down the way SIGTERM
 * does and checks what the router saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeraldNodeHttpTest {
  private static final String CONFIG = """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: private}
      spec: {addresses: ["192.0.2.0/26"]}
      ---
      apiVersion: metallb.io/v1beta2
      kind: BGPPeer
      metadata: {name: r1}
      spec: {myASN: 64512, peerASN: 64500, peerAddress: 127.0.0.2, peerPort: %d, sourceAddress: 127.0.0.3}
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata: {name: all}
      spec: {communities: ["64512:7"]}
      """;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private BgpTransport transport;
  private Collector router;
  private HeraldNode node;
  private Path dir;
  private String base;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("herald-node-test");
    transport = new BgpTransport();
    router = new Collector(transport, "127.0.0.2", "127.0.0.3", Asn.of(64500), Asn.of(64512));
    NodeSettings settings = TestNodes.settings("node-a", TestNodes.freePort(), List.of(),
        new NodeSettings.Journal.H2(dir.resolve("journal")), Duration.ofMillis(800));
    node = HeraldNode.start(settings, TestNodes.config(String.format(CONFIG, router.port)), TestNodes.FAST);
    base = "http://127.0.0.1:" + settings.http().getPort();
    List<ServiceAnnouncement> desired = new ArrayList<>();
    for (String name : List.of("web", "db")) {
      AllocationResult.Assigned a = (AllocationResult.Assigned) node.allocations()
          .allocate(ServiceRequest.builder("default", name).ports(ServicePort.tcp(80)).build())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      desired.add(name.equals("web")
          ? ServiceAnnouncement.announce(a.service(), a.pool(), a.ips(), Map.of())
          : ServiceAnnouncement.withdraw(a.service(), a.pool(), a.ips(), Map.of(), "noEndpoints"));
    }
    node.announcements().tell(new NodeAnnouncements.SetDesired(desired));
    Collector.await("route at the router", () -> router.routes.size() == 1);
  }

  @AfterAll
  void stop() throws Exception {
    node.system().terminate();
    node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    router.close();
    transport.close();
    TestNodes.awaitH2Closed(dir); // it closes a second after the node: deleted before, H2 makes it again
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return json.readTree(r.body());
  }

  @Test
  @Order(1)
  void aliveAndReadyFollowTheSettableConditions() throws Exception {
    assertThat(get("/alive").statusCode()).isEqualTo(200);
    Collector.await("ready", () -> status("/ready") == 200);
    node.readiness().require(Readiness.INFORMERS_SYNCED);
    assertThat(get("/ready").statusCode()).isEqualTo(500);
    node.readiness().set(Readiness.INFORMERS_SYNCED, true);
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(get("/cluster/members").body()).contains("\"status\":\"Up\"");
  }

  private int status(String path) {
    try {
      return get(path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  @Order(2)
  void peersServicesAndPools() throws Exception {
    JsonNode peers = getJson("/api/v1/peers");
    assertThat(peers).hasSize(1);
    assertThat(peers.get(0).path("name").asText()).isEqualTo("r1");
    assertThat(peers.get(0).path("state").asText()).isEqualTo("Established");
    assertThat(peers.get(0).path("prefixesSent").asLong()).isEqualTo(1);
    assertThat(peers.get(0).path("port").asInt()).isEqualTo(router.port);

    JsonNode services = getJson("/api/v1/services");
    assertThat(services).hasSize(2);
    JsonNode web = getJson("/api/v1/services/default/web");
    assertThat(web.path("ips").get(0).asText()).isEqualTo("192.0.2.0");
    assertThat(web.path("pool").asText()).isEqualTo("private");
    assertThat(web.path("nodes").get(0).path("node").asText()).isEqualTo("node-a");
    assertThat(web.path("nodes").get(0).path("advertisedTo").get(0).asText()).isEqualTo("r1");
    JsonNode db = getJson("/api/v1/services/default/db");
    assertThat(db.path("nodes").get(0).path("announce").asBoolean()).isFalse();
    assertThat(db.path("nodes").get(0).path("reason").asText()).isEqualTo("noEndpoints");
    assertThat(get("/api/v1/services/default/nope").statusCode()).isEqualTo(404);

    JsonNode pools = getJson("/api/v1/pools");
    assertThat(pools.get(0).path("name").asText()).isEqualTo("private");
    assertThat(pools.get(0).path("size").asText()).isEqualTo("64");
    assertThat(pools.get(0).path("used").asLong()).isEqualTo(2);
  }

  @Test
  @Order(3)
  void metricsUseMetalLbNames() throws Exception {
    String text = get("/metrics").body();
    String peer = "127.0.0.2:" + router.port;
    assertThat(text.lines()).contains(
        "# TYPE metallb_allocator_addresses_in_use_total gauge",
        "metallb_allocator_addresses_in_use_total{pool=\"private\"} 2",
        "metallb_allocator_addresses_total{pool=\"private\"} 64",
        "metallb_bgp_session_up{peer=\"" + peer + "\"} 1",
        "metallb_bgp_announced_prefixes_total{peer=\"" + peer + "\"} 1",
        "metallb_speaker_announced{ip=\"192.0.2.0\",node=\"node-a\",protocol=\"bgp\",service=\"default/web\"} 1",
        "metallb_k8s_client_config_loaded_bool 1",
        "metallb_k8s_client_config_stale_bool 0");
    assertThat(text).contains("metallb_bgp_updates_total{peer=\"" + peer + "\"} ");
    assertThat(text).doesNotContain("service=\"default/db\"");
  }

  @Test
  @Order(4)
  void statusCommandPrintsPeersAndServices() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new StatusCommand());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    assertThat(cmd.execute("--url", base)).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("Name").contains("Proto").contains("State").contains("Info");
    assertThat(lines.get(1)).matches("r1\\s+BGP\\s+---\\s+up\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+Established\\s+1 prefixes sent");
    assertThat(lines).anyMatch(l -> l.matches("default/web\\s+192\\.0\\.2\\.0\\s+private\\s+node-a"));
    assertThat(lines).anyMatch(l -> l.matches("default/db\\s+192\\.0\\.2\\.1\\s+private\\s+-"));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  @Order(5)
  void statusCommandReportsAnUnreachableNodeInOneLine() {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new StatusCommand());
    cmd.setOut(new PrintWriter(new StringWriter()));
    cmd.setErr(new PrintWriter(err));
    assertThat(cmd.execute("--url", "http://127.0.0.1:" + TestNodes.freePort())).isEqualTo(1);
    assertThat(err.toString().lines()).singleElement().satisfies(l -> assertThat(l).startsWith("herald status: cannot reach"));
  }

  @Test
  @Order(6)
  void startUpHonoursStatusAddressesAndReleaseFreesThem() throws Exception {
    ServiceRequest restored = ServiceRequest.builder("other", "restored").ports(ServicePort.tcp(443))
        .statusIps(io.herald.allocator.ip.IpAddress.of("192.0.2.40")).build();
    ServiceRequest fresh = ServiceRequest.builder("other", "fresh").ports(ServicePort.tcp(443)).build();
    var results = node.allocations().startUp(List.of(fresh, restored)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(results).extracting(r -> r.service().name() + "=" + ((AllocationResult.Assigned) r).ips())
        .containsExactly("restored=[192.0.2.40]", "fresh=[192.0.2.2]");
    assertThat(getJson("/api/v1/pools").get(0).path("used").asLong()).isEqualTo(4);
    assertThat(node.allocations().release(restored.key()).toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(node.allocations().release(restored.key()).toCompletableFuture().get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(getJson("/api/v1/pools").get(0).path("used").asLong()).isEqualTo(3);
  }

  @Test
  @Order(7)
  void anIncompatibleConfigurationIsRefusedAndMarkedStale() throws Exception {
    var current = node.config();
    var moved = TestNodes.config(String.format(CONFIG, router.port).replace("192.0.2.0/26", "203.0.113.0/26"));
    String refusal = node.applyConfig(moved).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(refusal).contains("new config not compatible with assigned IPs");
    assertThat(get("/metrics").body().lines()).contains("metallb_k8s_client_config_stale_bool 1");
    assertThat(node.config()).isSameAs(current);

    var grown = TestNodes.config(String.format(CONFIG, router.port).replace("192.0.2.0/26", "192.0.2.0/25"));
    assertThat(node.applyConfig(grown).toCompletableFuture().get(30, TimeUnit.SECONDS)).isEmpty();
    String metrics = get("/metrics").body();
    assertThat(metrics.lines()).contains("metallb_k8s_client_config_stale_bool 0",
        "metallb_allocator_addresses_total{pool=\"private\"} 128");
    assertThat(router.established).as("a configuration change keeps the session").hasSize(1);
  }

  @Test
  @Order(8)
  void coordinatedShutdownDrainsWithdrawsClosesAndLeaves() throws Exception {
    Cluster cluster = Cluster.get(node.system());
    node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(cluster.selfMember().status()).isIn(MemberStatus.removed(), MemberStatus.exiting(), MemberStatus.down());
    Collector.await("Cease at the router", () -> router.log.stream().anyMatch(s -> s.contains("herald node shutting down")));
    List<String> log = List.copyOf(router.log);
    int gs = log.indexOf("A 192.0.2.0/32 GS");
    int withdrawn = log.indexOf("W 192.0.2.0/32");
    int down = -1;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).contains("herald node shutting down")) {
        down = i;
      }
    }
    assertThat(gs).as("re-announced with GRACEFUL_SHUTDOWN: %s", log).isGreaterThan(0);
    assertThat(withdrawn).isGreaterThan(gs);
    assertThat(down).isGreaterThan(withdrawn);
    assertThat(log.get(down)).contains("6/2");
  }
}
