package io.herald.k8s.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.model.AnnounceProtocol;
import io.herald.allocator.pool.LabelSelector;
import io.herald.k8s.model.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Validation through the allocator's loader: a valid config, a broken edit that is rejected whole, a fix. */
class ConfigStateTest {

  private static ConfigSource resource(String kind, String name, String yaml) {
    return new ConfigSource(new ObjectRef("metallb.io/v1beta1", kind, "metallb-system", name, "uid-" + name), yaml, false);
  }

  private static ConfigSource pool(String name, String... addresses) {
    StringBuilder y = new StringBuilder("apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: " + name
        + "\n  namespace: metallb-system\n  labels:\n    tier: " + name + "\nspec:\n  addresses:\n");
    for (String a : addresses) y.append("  - \"").append(a).append("\"\n");
    return resource("IPAddressPool", name, y.toString());
  }

  private static final ConfigSource BGP_AD = resource("BGPAdvertisement", "bgp", """
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata: {name: bgp, namespace: metallb-system}
      spec:
        ipAddressPoolSelectors:
        - matchExpressions: [{key: tier, operator: In, values: [blue]}]
        nodeSelectors:
        - matchLabels: {rack: a}
        peers: [tor]
      """);

  private static final ConfigSource L2_AD = resource("L2Advertisement", "bgp", """
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: bgp, namespace: metallb-system}
      spec:
        ipAddressPools: [green]
        interfaces: [eth1]
      """);

  private static final ConfigSource PEER = new ConfigSource(
      new ObjectRef("metallb.io/v1beta2", "BGPPeer", "metallb-system", "tor", "uid-tor"), """
      apiVersion: metallb.io/v1beta2
      kind: BGPPeer
      metadata: {name: tor, namespace: metallb-system}
      spec: {myASN: 64512, peerASN: 64513, peerAddress: 192.0.2.254}
      """, false);

  @Test
  void aValidConfigurationIsLoadedWithItsView() {
    ConfigState s = ConfigState.INITIAL.next(List.of(pool("blue", "192.0.2.0/28"), pool("green", "2001:db8::/126"), BGP_AD, L2_AD, PEER));

    assertThat(s.status()).isEqualTo(new ConfigStatus(ConfigResult.VALID, List.of(), true, false));
    var view = s.current().orElseThrow().view();
    assertThat(view.pools()).extracting(p -> p.name()).containsExactly("blue", "green");
    assertThat(view.pools().get(0).contains("192.0.2.15")).isTrue();
    assertThat(view.pools().get(0).contains("192.0.2.16")).isFalse();
    assertThat(view.pools().get(1).contains("2001:db8::3")).isTrue();
    assertThat(view.pools().get(1).labels()).containsEntry("tier", "green");
    // Same name, both protocols: BGP first.
    assertThat(view.advertisements()).extracting(a -> a.protocol()).containsExactly(AnnounceProtocol.BGP, AnnounceProtocol.LAYER2);
    var bgp = view.advertisements().get(0);
    assertThat(bgp.covers(view.pools().get(0))).isTrue();
    assertThat(bgp.covers(view.pools().get(1))).isFalse();
    assertThat(bgp.nodeSelectors()).containsExactly(LabelSelector.ofLabels(Map.of("rack", "a")));
    assertThat(bgp.peers()).containsExactly("tor");
    assertThat(view.advertisements().get(1).interfaces()).containsExactly("eth1");
    assertThat(view.peers()).extracting(p -> p.name()).containsExactly("tor");
    assertThat(s.current().orElseThrow().config().pools().size()).isEqualTo(2);
  }

  @Test
  void aBrokenEditIsRejectedWholeAndTheLastValidOneStays() {
    ConfigState valid = ConfigState.INITIAL.next(List.of(pool("blue", "192.0.2.0/28"), BGP_AD, PEER));

    // One good change (a new pool) and one bad one (a CIDR that does not parse) in the same edit.
    ConfigState broken = valid.next(List.of(pool("blue", "192.0.2.0/33"), pool("red", "198.51.100.0/28"), BGP_AD, PEER));

    assertThat(broken.current()).isEqualTo(valid.current());
    assertThat(broken.status().result()).isEqualTo(ConfigResult.INVALID);
    assertThat(broken.status().loaded()).isTrue();
    assertThat(broken.status().stale()).isTrue();
    assertThat(broken.offendingObjects()).extracting(ObjectRef::name).containsExactly("blue");
    ObjectError e = broken.status().errors().get(0);
    assertThat(e.object().uid()).isEqualTo("uid-blue");
    assertThat(e.message()).startsWith("spec.addresses[0]: ").contains("192.0.2.0/33").doesNotContain("line");
    assertThat(broken.status().errorSummary()).startsWith("IPAddressPool metallb-system/blue: spec.addresses[0]");

    ConfigState fixed = broken.next(List.of(pool("blue", "192.0.2.0/28"), pool("red", "198.51.100.0/28"), BGP_AD, PEER));
    assertThat(fixed.status()).isEqualTo(new ConfigStatus(ConfigResult.VALID, List.of(), true, false));
    assertThat(fixed.current().orElseThrow().view().pools()).extracting(p -> p.name()).containsExactly("blue", "red");
  }

  @Test
  void anInvalidFirstConfigurationLeavesNothingInForce() {
    ConfigState s = ConfigState.INITIAL.next(List.of(pool("blue", "192.0.2.0/28"), pool("red", "192.0.2.8/29")));

    assertThat(s.current()).isEmpty();
    assertThat(s.status().loaded()).isFalse();
    assertThat(s.status().stale()).as("stale as MetalLB: the cluster's configuration is not in force").isTrue();
    // The overlap is reported on the pool read second (by name order: red).
    assertThat(s.offendingObjects()).extracting(ObjectRef::name).containsExactly("red");
    assertThat(s.status().errors().get(0).message()).contains("overlaps");
  }

  @Test
  void aLegacyConfigMapIsReadWithItsLineNumbers() {
    ObjectRef cm = new ObjectRef("v1", "ConfigMap", "metallb-system", "config", "uid-cm");
    String legacy = """
        address-pools:
        - name: default
          protocol: layer2
          addresses: [192.0.2.0/28]
        - name: broken
          protocol: bgp
          addresses: [not-an-ip]
        """;
    ConfigState s = ConfigState.INITIAL.next(List.of(new ConfigSource(cm, legacy, true)));

    assertThat(s.status().result()).isEqualTo(ConfigResult.INVALID);
    assertThat(s.status().errors()).singleElement().satisfies(e -> {
      assertThat(e.object()).isEqualTo(cm);
      assertThat(e.message()).startsWith("line 7: address-pool/broken: ").contains("not-an-ip");
    });

    ConfigState ok = s.next(List.of(new ConfigSource(cm, legacy.replace("not-an-ip", "198.51.100.0/28"), true)));
    assertThat(ok.status().result()).isEqualTo(ConfigResult.VALID);
    var view = ok.current().orElseThrow().view();
    assertThat(view.pools()).extracting(p -> p.name()).containsExactly("broken", "default");
    assertThat(view.advertisements()).extracting(a -> a.protocol()).contains(AnnounceProtocol.BGP, AnnounceProtocol.LAYER2);
  }

  /** The node's own --config file, validated as the node validates it when reading it. */
  private static LoadedConfig file(String pool) {
    var r = io.herald.allocator.config.ConfigLoader.load(List.of(new io.herald.allocator.config.ConfigLoader.Source(
        "values.yaml", """
            configInline:
              peers:
              - {peer-address: 192.0.2.1, peer-asn: 64500, my-asn: 64501}
              address-pools:
              - {name: %s, protocol: bgp, addresses: [203.0.113.0/26]}
            """.formatted(pool))));
    assertThat(r).isInstanceOf(io.herald.allocator.config.ConfigLoader.Result.Valid.class);
    return LoadedConfig.of(((io.herald.allocator.config.ConfigLoader.Result.Valid) r).config());
  }

  @Test
  void theFileIsInForceUntilTheClusterHoldsAConfigurationOfItsOwn() {
    LoadedConfig file = file("lab");
    ConfigState fromFile = ConfigState.INITIAL.next(List.of(), Optional.of(file));
    assertThat(fromFile.origin()).isEqualTo(ConfigOrigin.FILE);
    assertThat(fromFile.current()).contains(file);
    assertThat(fromFile.status()).isEqualTo(new ConfigStatus(ConfigResult.VALID, List.of(), true, false));
    assertThat(fromFile.current().orElseThrow().view().pools()).extracting(p -> p.name()).containsExactly("lab");
    assertThat(fromFile.next(List.of(), Optional.of(file))).as("nothing changed, nothing to tell").isEqualTo(fromFile);

    // The cluster's first configuration object: the cluster's configuration wins.
    ConfigState fromCluster = fromFile.next(List.of(pool("blue", "192.0.2.0/28"), BGP_AD, PEER), Optional.of(file));
    assertThat(fromCluster.origin()).isEqualTo(ConfigOrigin.CLUSTER);
    assertThat(fromCluster.current().orElseThrow().view().pools()).extracting(p -> p.name()).containsExactly("blue");

    // A broken edit keeps the cluster's last valid one, not the file's.
    ConfigState broken = fromCluster.next(List.of(pool("blue", "192.0.2.0/33"), BGP_AD, PEER), Optional.of(file));
    assertThat(broken.origin()).isEqualTo(ConfigOrigin.CLUSTER);
    assertThat(broken.current()).isEqualTo(fromCluster.current());
    assertThat(broken.status().stale()).isTrue();

    // Every configuration object deleted: the file's is in force again.
    ConfigState back = broken.next(List.of(), Optional.of(file));
    assertThat(back).isEqualTo(fromFile);
  }

  @Test
  void anInvalidFirstClusterConfigurationLeavesTheFileInForce() {
    LoadedConfig file = file("lab");
    ConfigState s = ConfigState.INITIAL.next(List.of(), Optional.of(file))
        .next(List.of(pool("blue", "192.0.2.0/28"), pool("red", "192.0.2.8/29")), Optional.of(file));

    assertThat(s.origin()).isEqualTo(ConfigOrigin.FILE);
    assertThat(s.current()).contains(file);
    assertThat(s.status().result()).isEqualTo(ConfigResult.INVALID);
    assertThat(s.status().loaded()).isTrue();
    assertThat(s.status().stale()).isTrue();
    assertThat(s.offendingObjects()).extracting(ObjectRef::name).containsExactly("red");
  }

  @Test
  void withoutAFileAnEmptyClusterIsAnEmptyConfiguration() {
    ConfigState s = ConfigState.INITIAL.next(List.of());

    assertThat(s.origin()).isEqualTo(ConfigOrigin.CLUSTER);
    assertThat(s.status().result()).isEqualTo(ConfigResult.VALID);
    assertThat(s.current().orElseThrow().view().pools()).isEmpty();
  }

  @Test
  void statusInvariants() {
    ObjectError e = new ObjectError(new ObjectRef("v1", "ConfigMap", "ns", "config", ""), "bad");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigStatus(ConfigResult.VALID, List.of(e), true, false))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigStatus(ConfigResult.VALID, List.of(), true, true))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigStatus(ConfigResult.INVALID, List.of(e), false, false))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ConfigState(Optional.empty(), ConfigStatus.UNKNOWN, ConfigOrigin.FILE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
