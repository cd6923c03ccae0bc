package io.herald.allocator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.IpPool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  static String resource(String path) {
    try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/config/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static HeraldConfig valid(String path) {
    ConfigLoader.Result r = ConfigLoader.load(path, resource(path));
    assertThat(r).as(r.toString()).isInstanceOf(ConfigLoader.Result.Valid.class);
    return ((ConfigLoader.Result.Valid) r).config();
  }

  @Test
  void seedValuesFileGivesTwoBgpPoolsAndOnePeer() {
    HeraldConfig c = valid("valid/seed-values.yaml");
    IpPool priv = c.pools().pool("private").orElseThrow();
    IpPool pub = c.pools().pool("public").orElseThrow();
    assertThat(priv.autoAssign()).isTrue();
    assertThat(pub.autoAssign()).isFalse();
    assertThat(c.peers()).singleElement().satisfies(p -> {
      assertThat(p.peerAddress()).contains(IpAddress.of("192.0.2.1"));
      assertThat(p.myAsn()).isEqualTo(64501);
      assertThat(p.peerAsn()).isEqualTo(64500);
      assertThat(p.peerPort()).isEqualTo(179);
    });
    assertThat(c.bgpAdvertisements()).hasSize(2).allSatisfy(a -> assertThat(a.aggregationLength()).isEqualTo(32));
    assertThat(c.bgpAdvertisements().get(0).appliesTo(priv)).isTrue();
    assertThat(c.bgpAdvertisements().get(0).appliesTo(pub)).isFalse();
    assertThat(c.summary()).isEqualTo("2 pools, 320 addresses, 1 peer, 2 BGP advertisements, 0 L2 advertisements");
  }

  @Test
  void resourcesOfEveryKindAndBothPeerVersions() {
    HeraldConfig c = valid("valid/resources.yaml");
    assertThat(c.pools().pools()).extracting(IpPool::name).containsExactly("private", "public");
    IpPool priv = c.pools().pool("private").orElseThrow();
    assertThat(priv.serviceAllocation()).hasValueSatisfying(a -> {
      assertThat(a.priority()).isEqualTo(10);
      assertThat(a.matches("web", java.util.Map.of(), java.util.Map.of("tier", "edge"))).isTrue();
      assertThat(a.matches("web", java.util.Map.of(), java.util.Map.of("tier", "core"))).isFalse();
      assertThat(a.matches("other", java.util.Map.of("team", "web"), java.util.Map.of("tier", "edge"))).isTrue();
    });
    assertThat(c.pools().pool("public").orElseThrow().capacity(io.herald.allocator.ip.IpFamily.IPV4))
        .isEqualTo(java.math.BigInteger.valueOf(31));
    assertThat(c.peers()).hasSize(2);
    BgpPeer tor = c.peers().get(0);
    assertThat(tor.holdTime()).contains(Duration.ofSeconds(90));
    assertThat(tor.passwordSecret()).contains("tor-md5");
    assertThat(tor.bfdProfile()).contains("fast");
    BgpPeer old = c.peers().get(1);
    assertThat(old.keepaliveTime()).as("derived as hold/3").contains(Duration.ofSeconds(3));
    assertThat(c.bgpAdvertisements().get(0).communities()).containsExactly(new Community.Standard(65535, 65282),
        new Community.Standard(64500, 1), new Community.Large(64500, 1, 2));
    assertThat(c.bgpAdvertisements().get(1).appliesTo(priv)).as("selected by pool label").isTrue();
    assertThat(c.l2Advertisements()).singleElement().satisfies(l -> assertThat(l.interfaces()).containsExactly("eth0"));
    assertThat(c.bfdProfiles()).singleElement().satisfies(b -> assertThat(b.receiveInterval()).hasValue(100));
  }

  @Test
  void legacyConfigMapFormat() {
    HeraldConfig c = valid("valid/legacy.yaml");
    assertThat(c.peers()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("peer1");
      assertThat(p.keepaliveTime()).contains(Duration.ofSeconds(30));
      assertThat(p.routerId()).contains(IpAddress.of("192.0.2.2"));
      assertThat(p.nodeSelectors()).hasSize(1);
      assertThat(p.password()).contains("s3cr3t");
    });
    assertThat(c.pools().pool("default").orElseThrow().ranges()).hasSize(2);
    assertThat(c.bgpAdvertisements()).singleElement().satisfies(a -> {
      assertThat(a.localPref()).isEqualTo(100);
      assertThat(a.ipAddressPools()).containsExactly("default");
      assertThat(a.communities()).containsExactly(new Community.Standard(64512, 1), new Community.Standard(65535, 65282));
    });
    assertThat(c.l2Advertisements()).singleElement().satisfies(l -> assertThat(l.ipAddressPools()).containsExactly("l2"));
  }

  @Test
  void configInlineAsABlockStringKeepsFileLines() {
    HeraldConfig c = valid("valid/values-string.yaml");
    assertThat(c.pools().pool("default")).isPresent();
    String broken = resource("valid/values-string.yaml").replace("198.51.100.0/24", "198.51.100.0/99");
    ConfigLoader.Result r = ConfigLoader.load("v.yaml", broken);
    assertThat(r).isInstanceOfSatisfying(ConfigLoader.Result.Invalid.class, i ->
        assertThat(i.errors()).extracting(ConfigError::toString).containsExactly(
            "v.yaml:12: address-pool/default: addresses[0]: invalid CIDR \"198.51.100.0/99\" in pool \"default\": "
                + "invalid CIDR \"198.51.100.0/99\""));
  }

  @Test
  void filesMergeIntoOneConfiguration() {
    ConfigLoader.Result r = ConfigLoader.load(java.util.List.of(
        new ConfigLoader.Source("a.yaml", resource("valid/seed-values.yaml")),
        new ConfigLoader.Source("b.yaml", resource("valid/seed-values.yaml"))));
    assertThat(r).isInstanceOfSatisfying(ConfigLoader.Result.Invalid.class, i ->
        assertThat(i.errors()).extracting(ConfigError::file).contains("b.yaml"));
    assertThat(Optional.of(r)).isPresent();
  }
}
