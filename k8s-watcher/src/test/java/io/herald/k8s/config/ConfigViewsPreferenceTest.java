package io.herald.k8s.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.config.ConfigLoader;
import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ConfigView;
import io.herald.allocator.pool.LabelSelector;
import io.herald.allocator.config.PreferredNodeSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loaded L2Advertisement's {@code preferredNodeSelectors} reach the decision's view, and score nodes. */
class ConfigViewsPreferenceTest {

  private static ConfigView load(String yaml) {
    ConfigLoader.Result r = ConfigLoader.load("c.yaml", yaml);
    assertThat(r).as(r.toString()).isInstanceOf(ConfigLoader.Result.Valid.class);
    return ConfigViews.of(((ConfigLoader.Result.Valid) r).config());
  }

  @Test
  void preferencesAreCarriedAndScoredOnlyForEligibleNodes() {
    ConfigView c = load("""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: l2}
        spec: {addresses: [192.0.2.0/28]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: prefer}
        spec:
          nodeSelectors: [{matchLabels: {role: lb}}]
          preferredNodeSelectors:
          - {weight: 70, preference: {matchLabels: {zone: primary}}}
          - {weight: 30, preference: {matchExpressions: [{key: gpu, operator: In, values: ["true"]}]}}
        """);
    AdvertisementView a = c.advertisements().stream().filter(x -> x.protocol() == AnnounceProtocol.LAYER2)
        .findFirst().orElseThrow();
    assertThat(a.preferredNodeSelectors()).containsExactly(
        new PreferredNodeSelector(70, LabelSelector.ofLabels(Map.of("zone", "primary"))),
        new PreferredNodeSelector(30, new LabelSelector(Map.of(), List.of(
            new LabelSelector.Requirement("gpu", LabelSelector.Operator.IN, List.of("true"))))));
    assertThat(a.preferenceScore(Map.of("role", "lb", "zone", "primary", "gpu", "true"))).isEqualTo(100);
    assertThat(a.preferenceScore(Map.of("role", "lb", "zone", "primary"))).isEqualTo(70);
    assertThat(a.preferenceScore(Map.of("role", "lb"))).isZero();
    assertThat(a.preferenceScore(Map.of("zone", "primary", "gpu", "true"))).as("not eligible: role missing").isZero();
  }
}
