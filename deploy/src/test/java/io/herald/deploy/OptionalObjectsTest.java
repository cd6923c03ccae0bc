package io.herald.deploy;

import static io.herald.deploy.ChartRenderTest.env;
import static io.herald.deploy.ChartRenderTest.onlyContainer;
import static io.herald.deploy.ChartRenderTest.stringMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The bundled PostgreSQL, the ServiceMonitor and the PrometheusRule. */
class OptionalObjectsTest {

  @Test
  void noneOfThemByDefault() {
    Manifests m = HeraldChart.render();
    for (String kind : List.of("StatefulSet", "ServiceMonitor", "PrometheusRule", "Secret")) {
      assertThat(m.ofKind(kind)).as(kind).isEmpty();
    }
  }

  @Test
  void bundledPostgresIsTheNodesJournalWithTheSamePassword() {
    Manifests m = HeraldChart.render(List.of(HeraldChart.DIR.resolve("ci/postgres-values.yaml")), Map.of());
    JsonNode sts = m.one("StatefulSet");
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(sts.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asString()).isEqualTo("1Gi");
    JsonNode pg = onlyContainer(sts);
    JsonNode pgPassword = env(pg, "POSTGRES_PASSWORD").at("/valueFrom/secretKeyRef");
    JsonNode node = onlyContainer(m.one("DaemonSet"));
    assertThat(env(node, "HERALD_JOURNAL_PASSWORD").at("/valueFrom/secretKeyRef")).isEqualTo(pgPassword);
    assertThat(m.one("Secret").at("/metadata/name").asString()).isEqualTo(pgPassword.path("name").asString());

    JsonNode pgService = m.ofKind("Service").stream()
        .filter(s -> "journal".equals(s.at("/metadata/labels/app.kubernetes.io~1component").asString()))
        .findFirst().orElseThrow();
    assertThat(stringMap(pgService.at("/spec/selector"))).isEqualTo(stringMap(sts.at("/spec/selector/matchLabels")));
    assertThat(stringMap(sts.at("/spec/template/metadata/labels")))
        .containsAllEntriesOf(stringMap(sts.at("/spec/selector/matchLabels")));
    String host = pgService.at("/metadata/name").asString() + "." + HeraldChart.NAMESPACE + ".svc";
    assertThat(env(node, "HERALD_JOURNAL").path("value").asString())
        .startsWith("postgres:jdbc:postgresql://" + host + ":5432/herald?user=herald&");
    assertThat(env(pg, "POSTGRES_USER").path("value").asString()).isEqualTo("herald");
    assertThat(env(pg, "POSTGRES_DB").path("value").asString()).isEqualTo("herald");
    // The node pods' selector must not pick up the database pod.
    JsonNode nodeSelector = m.one("DaemonSet").at("/spec/selector/matchLabels");
    assertThat(stringMap(sts.at("/spec/template/metadata/labels"))).doesNotContainEntry(
        "app.kubernetes.io/component", nodeSelector.path("app.kubernetes.io/component").asString());
  }

  @Test
  void bundledPostgresNeedsThePostgresBackend() {
    assertThatThrownBy(() -> HeraldChart.template(List.of(), Map.of("postgresql.enabled", "true",
        "persistence.postgres.password", "x")))
        .hasMessageContaining("postgresql.enabled=true needs persistence.backend=postgres");
  }

  @Test
  void serviceMonitorScrapesTheManagementPortOfTheNodes() {
    Manifests m = HeraldChart.render(List.of(HeraldChart.DIR.resolve("ci/monitoring-values.yaml")), Map.of());
    JsonNode sm = m.one("ServiceMonitor");
    assertThat(sm.at("/metadata/labels/release").asString()).isEqualTo("kube-prometheus-stack");
    JsonNode svc = m.one("Service");
    assertThat(stringMap(svc.at("/metadata/labels"))).containsAllEntriesOf(stringMap(sm.at("/spec/selector/matchLabels")));
    assertThat(sm.at("/spec/endpoints/0/port").asString()).isEqualTo("management");
    assertThat(svc.at("/spec/ports").findValuesAsString("name")).contains("management");
    assertThat(sm.at("/spec/endpoints/0/path").asString()).isEqualTo("/metrics");
    assertThat(sm.at("/spec/endpoints/0/interval").asString()).isEqualTo("30s");
    JsonNode annotations = m.one("DaemonSet").at("/spec/template/metadata/annotations");
    assertThat(annotations.path("prometheus.io/scrape").asString()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asString()).isEqualTo("7472");
    assertThat(m.one("PodDisruptionBudget").at("/spec/maxUnavailable").asString()).isEqualTo("25%");
  }

  @Test
  void prometheusRuleCarriesMetallbsAlerts() {
    Manifests defaults = HeraldChart.render(List.of(), Map.of("prometheus.prometheusRule.enabled", "true"));
    assertThat(alerts(defaults.one("PrometheusRule"))).containsExactly("MetalLBStaleConfig", "MetalLBConfigNotLoaded",
        "MetalLBAddressPoolExhausted", "MetalLBAddressPoolUsage75Percent", "MetalLBAddressPoolUsage85Percent",
        "MetalLBAddressPoolUsage95Percent", "MetalLBBGPSessionDown");
    JsonNode rule = rule(defaults.one("PrometheusRule"), "MetalLBAddressPoolUsage85Percent");
    assertThat(rule.path("expr").asString()).contains("metallb_allocator_addresses_in_use_total{}", "> 85");
    assertThat(rule.at("/labels/severity").asString()).isEqualTo("warning");
    assertThat(rule(defaults.one("PrometheusRule"), "MetalLBBGPSessionDown").path("expr").asString())
        .isEqualTo("metallb_bgp_session_up == 0");

    Manifests custom = HeraldChart.render(List.of(HeraldChart.DIR.resolve("ci/monitoring-values.yaml")), Map.of());
    JsonNode pr = custom.one("PrometheusRule");
    assertThat(alerts(pr)).containsExactly("MetalLBStaleConfig", "MetalLBConfigNotLoaded",
        "MetalLBAddressPoolExhausted", "MetalLBAddressPoolUsage90Percent", "MetalLBBGPSessionDown",
        "HeraldNodeMissing");
    assertThat(rule(pr, "MetalLBAddressPoolExhausted").path("expr").asString())
        .contains("metallb_allocator_addresses_in_use_total{pool!~\"^lab-.*\"}")
        .contains("metallb_allocator_addresses_total{pool!~\"^lab-.*\"}");
    // Prometheus' own templates in the annotations pass through Helm untouched.
    assertThat(rule(pr, "MetalLBBGPSessionDown").at("/annotations/message").asString()).contains("{{ $labels.peer }}");
  }

  private static List<String> alerts(JsonNode prometheusRule) {
    List<String> names = new ArrayList<>();
    prometheusRule.at("/spec/groups/0/rules").forEach(r -> names.add(r.path("alert").asString()));
    return names;
  }

  private static JsonNode rule(JsonNode prometheusRule, String alert) {
    for (JsonNode r : prometheusRule.at("/spec/groups/0/rules")) {
      if (alert.equals(r.path("alert").asString())) {
        return r;
      }
    }
    throw new AssertionError("no alert " + alert);
  }
}
