package io.herald.k8s.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LabelQueryTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode labelled(String labels) {
    return JSON.readTree(("{'metadata':{'labels':" + labels + "}}").replace('\'', '"'));
  }

  @Test
  void everyOperatorOfTheApiServersTextForm() {
    JsonNode web = labelled("{'app':'web','tier':'front'}");
    JsonNode bare = labelled("{}");
    assertThat(LabelQuery.parse("app=web").matches(web)).isTrue();
    assertThat(LabelQuery.parse("app%3D%3Dweb").matches(web)).isTrue();
    assertThat(LabelQuery.parse("app!=web").matches(web)).isFalse();
    assertThat(LabelQuery.parse("app!=web").matches(bare)).as("!= matches a missing label").isTrue();
    assertThat(LabelQuery.parse("tier").matches(web)).isTrue();
    assertThat(LabelQuery.parse("!tier").matches(web)).isFalse();
    assertThat(LabelQuery.parse("!tier").matches(bare)).isTrue();
    assertThat(LabelQuery.parse("app in (db, web),tier notin (back)").matches(web)).isTrue();
    assertThat(LabelQuery.parse("app notin (web)").matches(web)).isFalse();
    assertThat(LabelQuery.parse("app=web,tier=back").matches(web)).as("all must hold").isFalse();
  }

  @Test
  void aMalformedSelectorIsRefused() {
    assertThatThrownBy(() -> LabelQuery.parse("app in web")).hasMessageContaining("invalid label selector");
    assertThatThrownBy(() -> LabelQuery.parse("a b")).hasMessageContaining("invalid label selector");
  }
}
