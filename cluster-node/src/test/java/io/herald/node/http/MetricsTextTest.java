package io.herald.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsTextTest {
  @Test
  void writesHelpTypeAndSamplesInDeclarationOrder() {
    String text = new MetricsText()
        .family("metallb_allocator_addresses_in_use_total", "gauge", "In use")
        .sample("metallb_allocator_addresses_in_use_total", 3, "pool", "private")
        .family("metallb_k8s_client_config_loaded_bool", "gauge", "Loaded")
        .sample("metallb_k8s_client_config_loaded_bool", 1)
        .render();
    assertThat(text).isEqualTo("""
        # HELP metallb_allocator_addresses_in_use_total In use
        # TYPE metallb_allocator_addresses_in_use_total gauge
        metallb_allocator_addresses_in_use_total{pool="private"} 3
        # HELP metallb_k8s_client_config_loaded_bool Loaded
        # TYPE metallb_k8s_client_config_loaded_bool gauge
        metallb_k8s_client_config_loaded_bool 1
        """);
  }

  @Test
  void escapesLabelValuesAndKeepsFractions() {
    String text = new MetricsText().family("m", "gauge", "h")
        .sample("m", 0.5, "service", "a\"b\\c\nd").render();
    assertThat(text.lines()).contains("m{service=\"a\\\"b\\\\c\\nd\"} 0.5");
  }

  @Test
  void refusesUndeclaredFamilies() {
    assertThatThrownBy(() -> new MetricsText().sample("nope", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
