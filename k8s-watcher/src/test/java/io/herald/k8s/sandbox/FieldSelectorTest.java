package io.herald.k8s.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FieldSelectorTest {

  private final JsonNode event =
      JsonMapper.builder().build().readTree(
          "{\"type\":\"Normal\",\"involvedObject\":{\"kind\":\"Service\",\"name\":\"web\"}}");

  @Test
  void equalityInequalityAndMissingFields() {
    assertThat(FieldSelector.parse("involvedObject.name%3Dweb").matches(event)).isTrue();
    assertThat(FieldSelector.parse("involvedObject.name==web,type=Normal").matches(event)).isTrue();
    assertThat(FieldSelector.parse("involvedObject.name=db").matches(event)).isFalse();
    assertThat(FieldSelector.parse("type!=Warning").matches(event)).isTrue();
    assertThat(FieldSelector.parse("type!=Normal").matches(event)).isFalse();
    // An absent field is the empty string: "uid=" matches, "uid=x" does not.
    assertThat(FieldSelector.parse("involvedObject.uid=").matches(event)).isTrue();
    assertThat(FieldSelector.parse("involvedObject.uid=x").matches(event)).isFalse();
  }

  @Test
  void rejectsATermWithoutOperator() {
    assertThatThrownBy(() -> FieldSelector.parse("type")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resourcePathsSplitIntoTheirParts() {
    var ns = ResourcePath.parse("/api/v1/namespaces/default/services/web/status").orElseThrow();
    assertThat(ns.resource().kind()).isEqualTo("Service");
    assertThat(ns.namespace()).isEqualTo("default");
    assertThat(ns.name()).isEqualTo("web");
    assertThat(ns.subresource()).isEqualTo("status");
    var namespace = ResourcePath.parse("/api/v1/namespaces/default").orElseThrow();
    assertThat(namespace.resource().kind()).isEqualTo("Namespace");
    assertThat(namespace.name()).isEqualTo("default");
    assertThat(ResourcePath.parse("/apis/discovery.k8s.io/v1/endpointslices").orElseThrow().isCollection()).isTrue();
    assertThat(ResourcePath.parse("/apis/metallb.io/v1beta2/namespaces/m/bgppeers").orElseThrow().resource().version())
        .isEqualTo("v1beta2");
    assertThat(ResourcePath.parse("/apis/unknown.io/v1/things")).isEmpty();
  }
}
