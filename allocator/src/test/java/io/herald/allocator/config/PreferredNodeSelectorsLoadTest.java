package io.herald.allocator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.pool.LabelSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code L2Advertisement.spec.preferredNodeSelectors}: {@code []{weight 1..100, preference LabelSelector}}. */
class PreferredNodeSelectorsLoadTest {

  private static final String POOL = """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: l2}
      spec: {addresses: [192.0.2.0/28]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: prefer}
      spec:
      """;

  private static ConfigLoader.Result load(String spec) {
    return ConfigLoader.load("l2.yaml", POOL + spec);
  }

  @Test
  void weightsAndSelectorsAreReadInOrder() {
    ConfigLoader.Result r = load("""
          nodeSelectors: [{matchLabels: {role: lb}}]
          preferredNodeSelectors:
          - weight: 100
            preference: {matchLabels: {zone: primary}}
          - weight: 1
            preference:
              matchExpressions: [{key: gpu, operator: Exists}]
          - weight: 50
            preference: {}
        """);
    assertThat(r).as(r.toString()).isInstanceOf(ConfigLoader.Result.Valid.class);
    L2Advertisement a = ((ConfigLoader.Result.Valid) r).config().l2Advertisements().get(0);
    assertThat(a.preferredNodeSelectors()).containsExactly(
        new PreferredNodeSelector(100, new LabelSelector(Map.of("zone", "primary"), List.of())),
        new PreferredNodeSelector(1, new LabelSelector(Map.of(),
            List.of(new LabelSelector.Requirement("gpu", LabelSelector.Operator.EXISTS, List.of())))),
        new PreferredNodeSelector(50, LabelSelector.EVERYTHING));
  }

  @Test
  void withoutTheFieldThereAreNoPreferences() {
    ConfigLoader.Result r = load("  interfaces: [eth0]\n");
    assertThat(((ConfigLoader.Result.Valid) r).config().l2Advertisements().get(0).preferredNodeSelectors()).isEmpty();
  }

  @Test
  void weightOutOfRangeOrMissingPartsAreErrors() {
    for (String bad : List.of(
        "  preferredNodeSelectors: [{weight: 0, preference: {}}]\n",
        "  preferredNodeSelectors: [{weight: 101, preference: {}}]\n",
        "  preferredNodeSelectors: [{weight: ten, preference: {}}]\n",
        "  preferredNodeSelectors: [{preference: {matchLabels: {a: b}}}]\n",
        "  preferredNodeSelectors: [{weight: 10}]\n",
        "  preferredNodeSelectors: [{weight: 10, preference: {}, extra: 1}]\n",
        "  preferredNodeSelectors: [{weight: 10, preference: {matchExpressions: [{key: a, operator: Near}]}}]\n")) {
      ConfigLoader.Result r = load(bad);
      assertThat(r).as(bad).isInstanceOfSatisfying(ConfigLoader.Result.Invalid.class, i ->
          assertThat(i.errors()).extracting(ConfigError::field).allMatch(f -> f.startsWith("spec.preferredNodeSelectors[0]")));
    }
  }
}
