package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The metallb.io CRDs: present under crds.enabled, with structural OpenAPI schemas. */
class CrdTest {

  private static final Manifests DEFAULT = HeraldChart.render();

  private static final Set<String> KINDS = Set.of("IPAddressPool", "BGPPeer", "BGPAdvertisement", "L2Advertisement",
      "Community", "BFDProfile", "ServiceBGPStatus", "ServiceL2Status", "ConfigurationState");

  @Test
  void everyMetallbKindIsDefinedOnceInItsGroup() {
    List<JsonNode> crds = DEFAULT.ofKind("CustomResourceDefinition");
    Map<String, JsonNode> byKind = new TreeMap<>();
    for (JsonNode crd : crds) {
      JsonNode spec = crd.path("spec");
      assertThat(spec.path("group").asString()).isEqualTo("metallb.io");
      assertThat(spec.path("scope").asString()).isEqualTo("Namespaced");
      assertThat(crd.at("/metadata/name").asString())
          .isEqualTo(spec.at("/names/plural").asString() + ".metallb.io");
      assertThat(byKind.put(spec.at("/names/kind").asString(), crd)).isNull();
    }
    assertThat(byKind.keySet()).isEqualTo(new TreeSet<>(KINDS));
  }

  @Test
  void bgpPeerServesV1beta1AndV1beta2AndStoresV1beta2() {
    JsonNode peer = crd("BGPPeer");
    Map<String, Boolean> served = new TreeMap<>();
    List<String> storage = new ArrayList<>();
    for (JsonNode v : peer.at("/spec/versions")) {
      served.put(v.path("name").asString(), v.path("served").asBoolean());
      if (v.path("storage").asBoolean()) {
        storage.add(v.path("name").asString());
      }
    }
    assertThat(served).isEqualTo(Map.of("v1beta1", true, "v1beta2", true));
    assertThat(storage).containsExactly("v1beta2");

    JsonNode v2 = specSchema(peer, "v1beta2");
    assertThat(v2.path("properties").propertyNames()).containsExactlyInAnyOrder("myASN", "peerASN", "dynamicASN",
        "localASN", "peerAddress", "interface", "sourceAddress", "peerPort", "holdTime", "keepaliveTime",
        "connectTime", "routerID", "nodeSelectors", "password", "passwordSecret", "bfdProfile",
        "enableGracefulRestart", "ebgpMultiHop", "vrf", "disableMP", "dualStackAddressFamily");
    assertThat(v2.at("/properties/peerPort/default").asInt()).isEqualTo(179);
    assertThat(v2.at("/properties/myASN/maximum").asLong()).isEqualTo(4294967295L);
    JsonNode v1 = specSchema(peer, "v1beta1");
    assertThat(ChartRenderTest.strings(v1.path("required"))).containsExactlyInAnyOrder("myASN", "peerASN", "peerAddress");
    assertThat(v1.path("properties").has("passwordSecret")).isFalse();
  }

  @Test
  void configurationKindsCarryMetallbsFields() {
    assertThat(specSchema(crd("IPAddressPool"), "v1beta1").path("properties").propertyNames())
        .containsExactlyInAnyOrder("addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation");
    assertThat(ChartRenderTest.strings(specSchema(crd("IPAddressPool"), "v1beta1").path("required")))
        .containsExactly("addresses");
    assertThat(specSchema(crd("BGPAdvertisement"), "v1beta1").path("properties").propertyNames())
        .containsExactlyInAnyOrder("aggregationLength", "aggregationLengthV6", "localPref", "communities",
            "ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "peers", "serviceSelectors");
    assertThat(specSchema(crd("L2Advertisement"), "v1beta1").path("properties").propertyNames())
        .containsExactlyInAnyOrder("ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces",
            "serviceSelectors", "preferredNodeSelectors");
    JsonNode preferred = specSchema(crd("L2Advertisement"), "v1beta1").path("properties").path("preferredNodeSelectors")
        .path("items");
    assertThat(ChartRenderTest.strings(preferred.path("required"))).containsExactlyInAnyOrder("weight", "preference");
    assertThat(preferred.path("properties").path("weight").path("minimum").asInt()).isEqualTo(1);
    assertThat(preferred.path("properties").path("weight").path("maximum").asInt()).isEqualTo(100);
    assertThat(preferred.path("properties").path("preference").path("properties").propertyNames())
        .containsExactlyInAnyOrder("matchLabels", "matchExpressions");
    assertThat(specSchema(crd("BFDProfile"), "v1beta1").path("properties").propertyNames())
        .containsExactlyInAnyOrder("receiveInterval", "transmitInterval", "detectMultiplier", "echoInterval",
            "echoMode", "passiveMode", "minimumTtl");
  }

  @Test
  void statusKindsKeepEveryFieldTheNodesWrite() {
    // A structural schema prunes unknown fields: anything the nodes write must be declared.
    assertThat(statusSchema(crd("ServiceBGPStatus")).path("properties").propertyNames())
        .contains("node", "serviceName", "serviceNamespace", "peers");
    assertThat(statusSchema(crd("ServiceL2Status")).path("properties").propertyNames())
        .contains("node", "serviceName", "serviceNamespace", "interfaces");
    assertThat(statusSchema(crd("ConfigurationState")).path("properties").propertyNames())
        .containsExactlyInAnyOrder("result", "errorSummary", "conditions");
    for (String kind : List.of("ServiceBGPStatus", "ServiceL2Status", "ConfigurationState", "IPAddressPool")) {
      assertThat(crd(kind).at("/spec/versions/0/subresources").has("status")).as(kind).isTrue();
    }
  }

  @Test
  void everySchemaIsStructural() {
    for (JsonNode crd : DEFAULT.ofKind("CustomResourceDefinition")) {
      for (JsonNode v : crd.at("/spec/versions")) {
        String where = crd.at("/metadata/name").asString() + " " + v.path("name").asString();
        JsonNode schema = v.at("/schema/openAPIV3Schema");
        assertThat(schema.isObject()).as(where).isTrue();
        List<String> problems = new ArrayList<>();
        structuralProblems(schema, "", true, problems);
        assertThat(problems).as(where).isEmpty();
        JsonNode metadata = schema.at("/properties/metadata");
        assertThat(metadata.propertyNames()).as(where + " metadata").containsExactly("type");
        for (JsonNode col : v.path("additionalPrinterColumns")) {
          assertThat(resolves(schema, col.path("jsonPath").asString())).as(where + " " + col).isTrue();
        }
      }
    }
  }

  @Test
  void theStructuralCheckFindsMissingTypesAndMixedProperties() {
    JsonNode bad = HeraldChart.YAML.readTree("""
        type: object
        properties:
          a: {description: no type}
          b: {type: array}
          c: {type: object, properties: {x: {type: string}}, additionalProperties: {type: string}}
        """);
    List<String> problems = new ArrayList<>();
    structuralProblems(bad, "", true, problems);
    assertThat(problems).containsExactlyInAnyOrder(".a: no type", ".b: array without items",
        ".c: properties and additionalProperties together");
  }

  @Test
  void theRoleCoversExactlyTheDefinedResources() {
    Set<String> plurals = new TreeSet<>();
    DEFAULT.ofKind("CustomResourceDefinition").forEach(c -> plurals.add(c.at("/spec/names/plural").asString()));
    Set<String> granted = new TreeSet<>();
    ChartRenderTest.rules(DEFAULT.one("Role")).keySet().stream().filter(k -> k.startsWith("metallb.io/"))
        .map(k -> k.substring("metallb.io/".length()).replace("/status", "")).forEach(granted::add);
    assertThat(granted).isEqualTo(plurals);
  }

  @Test
  void crdsCanBeLeftOut() {
    Manifests m = HeraldChart.render(List.of(), Map.of("crds.enabled", "false"));
    assertThat(m.ofKind("CustomResourceDefinition")).isEmpty();
    assertThat(m.find("DaemonSet")).isPresent();
  }

  // ---------------------------------------------------------------------------------------------

  private static JsonNode crd(String kind) {
    return DEFAULT.ofKind("CustomResourceDefinition").stream()
        .filter(c -> kind.equals(c.at("/spec/names/kind").asString())).findFirst().orElseThrow();
  }

  private static JsonNode version(JsonNode crd, String name) {
    for (JsonNode v : crd.at("/spec/versions")) {
      if (name.equals(v.path("name").asString())) {
        return v;
      }
    }
    throw new AssertionError("no version " + name);
  }

  private static JsonNode specSchema(JsonNode crd, String version) {
    return version(crd, version).at("/schema/openAPIV3Schema/properties/spec");
  }

  private static JsonNode statusSchema(JsonNode crd) {
    return crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/status");
  }

  /**
   * The Kubernetes rules for a structural schema (apiextensions v1) that can be checked without
   * the API server: a type on every node, items for arrays, properties and additionalProperties
   * not both, no $ref, and x-kubernetes extensions only where they apply.
   */
  static void structuralProblems(JsonNode s, String path, boolean root, List<String> problems) {
    if (s.has("$ref")) {
      problems.add(path + ": $ref");
    }
    boolean open = s.path("x-kubernetes-preserve-unknown-fields").asBoolean()
        || s.path("x-kubernetes-int-or-string").asBoolean();
    String type = s.path("type").asString("");
    if (type.isEmpty() && !open) {
      problems.add(path + ": no type");
    }
    if (s.has("properties") && s.has("additionalProperties")) {
      problems.add(path + ": properties and additionalProperties together");
    }
    if (s.has("additionalProperties") && !s.path("additionalProperties").isObject()) {
      problems.add(path + ": additionalProperties must be a schema");
    }
    if ("array".equals(type) && !s.has("items")) {
      problems.add(path + ": array without items");
    }
    if (s.has("x-kubernetes-list-map-keys") && !"map".equals(s.path("x-kubernetes-list-type").asString())) {
      problems.add(path + ": list-map-keys without list-type map");
    }
    if (s.has("x-kubernetes-map-type") && !"object".equals(type)) {
      problems.add(path + ": map-type on a non-object");
    }
    if (s.has("default") && root) {
      problems.add(path + ": default at the root");
    }
    if (s.has("required")) {
      for (JsonNode r : s.path("required")) {
        if (!s.path("properties").has(r.asString())) {
          problems.add(path + ": required " + r.asString() + " not declared");
        }
      }
    }
    if (s.has("enum")) {
      for (JsonNode e : s.path("enum")) {
        if (!e.isString() && "string".equals(type)) {
          problems.add(path + ": enum value " + e + " is not a string");
        }
      }
    }
    for (Map.Entry<String, JsonNode> p : s.path("properties").properties()) {
      structuralProblems(p.getValue(), path + "." + p.getKey(), false, problems);
    }
    if (s.path("items").isObject()) {
      structuralProblems(s.path("items"), path + "[]", false, problems);
    }
    if (s.path("additionalProperties").isObject()) {
      structuralProblems(s.path("additionalProperties"), path + "{}", false, problems);
    }
  }

  /** Whether a printer column's simple JSONPath ({@code .spec.a.b}) names a declared field. */
  private static boolean resolves(JsonNode schema, String jsonPath) {
    JsonNode s = schema;
    for (String part : jsonPath.substring(1).split("\\.")) {
      if ("metadata".equals(part) && s == schema) {
        return true; // ObjectMeta is the API server's own
      }
      s = s.path("properties").path(part);
      if (s.isMissingNode()) {
        return false;
      }
    }
    return true;
  }
}
