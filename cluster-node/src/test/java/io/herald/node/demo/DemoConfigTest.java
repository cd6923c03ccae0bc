package io.herald.node.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.pool.IpPool;
import io.herald.node.announce.RoutePlanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoConfigTest {

  static final List<DemoConfig.Node> NODES = List.of(new DemoConfig.Node("node-a", "127.0.0.11"),
      new DemoConfig.Node("node-b", "127.0.0.12"), new DemoConfig.Node("node-c", "127.0.0.13"));

  static String seed() throws Exception {
    // Tests run in the module directory; the seed lives in the repository's deploy/.
    return Files.readString(Path.of("../deploy/examples/metallb-values.yaml"), StandardCharsets.UTF_8);
  }

  @Test
  void theSeedsPeerBecomesOnePeerPerNodeAtTheRouterAndNothingElseChanges() throws Exception {
    HeraldConfig seed = DemoConfigTest.load(seed());
    DemoConfig.Derived d = DemoConfig.derive("seed.yaml", seed(), "127.0.0.2", 10179, "the collector", NODES);

    assertThat(d.config().pools().pools()).extracting(IpPool::name).containsExactly("private", "public");
    assertThat(d.config().pools().pools()).isEqualTo(seed.pools().pools());
    assertThat(d.config().peers()).hasSize(3);
    BgpPeer seedPeer = seed.peers().get(0);
    for (int i = 0; i < 3; i++) {
      BgpPeer p = d.config().peers().get(i);
      String node = NODES.get(i).name();
      assertThat(p.peerAddress().map(Object::toString)).hasValue("127.0.0.2");
      assertThat(p.peerPort()).isEqualTo(10179);
      assertThat(p.sourceAddress().map(Object::toString)).hasValue(NODES.get(i).sourceAddress());
      assertThat(p.myAsn()).isEqualTo(seedPeer.myAsn());
      assertThat(p.peerAsn()).isEqualTo(seedPeer.peerAsn());
      // Each peer is selected by its own node only.
      for (DemoConfig.Node other : NODES) {
        assertThat(RoutePlanner.selects(p, Map.of(DemoConfig.HOSTNAME_LABEL, other.name())))
            .as("peer %d selects %s", i, other.name()).isEqualTo(other.name().equals(node));
      }
    }
    assertThat(d.changes()).anySatisfy(c -> assertThat(c).contains("192.0.2.1:179").contains("AS 64500"))
        .anySatisfy(c -> assertThat(c).contains("node-b").contains("source-address 127.0.0.12"))
        .anySatisfy(c -> assertThat(c).startsWith("address-pools").contains("unchanged"));
  }

  @Test
  void theSeedsOwnPeerAddressAndPortAreKeptWhenTheRouterAnswersThere() throws Exception {
    DemoConfig.Derived d = DemoConfig.derive("seed.yaml", seed(), "192.0.2.1", 179, "BIRD",
        List.of(new DemoConfig.Node("node-a", "192.0.2.11")));
    BgpPeer p = d.config().peers().get(0);
    assertThat(p.peerAddress().get().toString()).isEqualTo("192.0.2.1");
    assertThat(p.peerPort()).isEqualTo(BgpPeer.DEFAULT_PORT);
    assertThat(d.legacyConfig()).doesNotContain("peer-port");
    assertThat(d.changes()).anySatisfy(c -> assertThat(c).contains("seed's own peer address"));
  }

  @Test
  void aConfigInlineGivenAsAStringIsReadToo() throws Exception {
    String asString = """
        configInline: |
          peers:
          - peer-address: 198.51.100.1
            peer-asn: 64500
            my-asn: 64501
            hold-time: 30s
          address-pools:
          - name: default
            protocol: bgp
            addresses: [198.51.100.128/25]
        """;
    DemoConfig.Derived d = DemoConfig.derive("inline.yaml", asString, "127.0.0.2", 10179, "the collector", NODES);
    assertThat(d.config().peers()).allSatisfy(p -> assertThat(p.holdTime()).hasValue(java.time.Duration.ofSeconds(30)));
  }

  @Test
  void aSeedWithoutAPeerAddressIsRefusedWithTheReason() {
    String noPeer = """
        configInline:
          address-pools:
          - name: default
            protocol: bgp
            addresses: [198.51.100.128/25]
        """;
    assertThatThrownBy(() -> DemoConfig.derive("nopeer.yaml", noPeer, "127.0.0.2", 10179, "the collector", NODES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nopeer.yaml");
  }

  static HeraldConfig load(String text) {
    var r = io.herald.allocator.config.ConfigLoader.load("seed.yaml", text);
    return ((io.herald.allocator.config.ConfigLoader.Result.Valid) r).config();
  }
}
