package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code helm template} output, parsed and checked object by object. */
class ChartRenderTest {

  private static final Manifests SEED = HeraldChart.render(List.of(HeraldChart.SEED_VALUES), Map.of());

  @Test
  void daemonSetRunsOnTheHostNetworkWithTheNodeNameFromTheDownwardApi() {
    JsonNode ds = SEED.one("DaemonSet");
    JsonNode pod = ds.path("spec").path("template").path("spec");
    assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
    assertThat(pod.path("dnsPolicy").asString()).isEqualTo("ClusterFirstWithHostNet");
    JsonNode c = onlyContainer(ds);
    JsonNode nodeName = env(c, "NODE_NAME");
    assertThat(nodeName.path("valueFrom").path("fieldRef").path("fieldPath").asString()).isEqualTo("spec.nodeName");
    assertThat(args(c)).contains("--node-name=$(NODE_NAME)", "--config=/etc/herald/config.yaml");
  }

  @Test
  void daemonSetNamesItsPortsAndProbesAliveAndReady() {
    JsonNode c = onlyContainer(SEED.one("DaemonSet"));
    Map<String, Integer> ports = new TreeMap<>();
    c.path("ports").forEach(p -> ports.put(p.path("name").asString(), p.path("containerPort").asInt()));
    assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("remoting", 25520, "management", 7472));
    assertThat(c.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/alive");
    assertThat(c.at("/livenessProbe/httpGet/port").asString()).isEqualTo("management");
    assertThat(c.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/ready");
    assertThat(c.at("/readinessProbe/httpGet/port").asString()).isEqualTo("management");
    // The remoting and management addresses are the node's own (host network).
    assertThat(args(c)).contains("--bind=$(POD_IP):25520", "--http=$(POD_IP):7472");
    assertThat(env(c, "POD_IP").at("/valueFrom/fieldRef/fieldPath").asString()).isEqualTo("status.podIP");
  }

  @Test
  void daemonSetRunsAsNonRootWithAtMostNetworkCapabilities() {
    JsonNode ds = SEED.one("DaemonSet");
    JsonNode podSc = ds.at("/spec/template/spec/securityContext");
    assertThat(podSc.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(podSc.path("runAsUser").asInt()).isPositive();
    JsonNode sc = onlyContainer(ds).path("securityContext");
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(sc.path("privileged").asBoolean(false)).isFalse();
    assertThat(strings(sc.at("/capabilities/drop"))).containsExactly("ALL");
    assertThat(strings(sc.at("/capabilities/add"))).as("BGP alone needs no capability").isEmpty();
    assertThat(args(onlyContainer(ds))).doesNotContain("--fast-failure-detection");
  }

  @Test
  void layer2RunsAsRootWithNetRawOnlyAndFastFailureDetection() {
    // Turned on by a layer2 pool in configInline (here given as a string) or by speaker.layer2.enabled.
    for (Manifests m : List.of(HeraldChart.render(List.of(HeraldChart.DIR.resolve("ci/layer2-values.yaml")), Map.of()),
        HeraldChart.render(List.of(HeraldChart.SEED_VALUES), Map.of("speaker.layer2.enabled", true)))) {
      JsonNode ds = m.one("DaemonSet");
      JsonNode podSc = ds.at("/spec/template/spec/securityContext");
      assertThat(podSc.path("runAsUser").asInt(-1)).isZero();
      assertThat(podSc.path("runAsNonRoot").asBoolean(true)).isFalse();
      JsonNode sc = onlyContainer(ds).path("securityContext");
      assertThat(strings(sc.at("/capabilities/drop"))).containsExactly("ALL");
      assertThat(strings(sc.at("/capabilities/add"))).containsExactly("NET_RAW");
      assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
      assertThat(args(onlyContainer(ds))).contains("--fast-failure-detection");
    }
  }

  @Test
  void clusterBootstrapFindsExactlyTheNodePods() {
    JsonNode ds = SEED.one("DaemonSet");
    Map<String, String> podLabels = stringMap(ds.at("/spec/template/metadata/labels"));
    String selector = args(onlyContainer(ds)).stream().filter(a -> a.startsWith("--pod-label-selector="))
        .findFirst().orElseThrow().substring("--pod-label-selector=".length());
    Map<String, String> wanted = new TreeMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      wanted.put(kv[0], kv[1]);
    }
    assertThat(podLabels).containsAllEntriesOf(wanted);
    assertThat(wanted).isEqualTo(stringMap(ds.at("/spec/selector/matchLabels")));

    JsonNode svc = SEED.one("Service");
    assertThat(svc.at("/spec/clusterIP").asString()).isEqualTo("None");
    assertThat(svc.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(stringMap(svc.at("/spec/selector"))).isEqualTo(wanted);
    assertThat(args(onlyContainer(ds))).contains("--kubernetes-bootstrap=" + svc.at("/metadata/name").asString());

    JsonNode pdb = SEED.one("PodDisruptionBudget");
    assertThat(stringMap(pdb.at("/spec/selector/matchLabels"))).isEqualTo(wanted);
    assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
  }

  @Test
  void rbacGrantsExactlyWhatTheNodeUses() {
    Map<String, Set<String>> cluster = rules(SEED.one("ClusterRole"));
    assertThat(cluster).isEqualTo(Map.of(
        "/services", Set.of("get", "list", "watch", "patch"),
        "/services/status", Set.of("patch"),
        "/nodes", Set.of("get", "list", "watch"),
        "/namespaces", Set.of("get", "list", "watch"),
        "discovery.k8s.io/endpointslices", Set.of("get", "list", "watch"),
        "/events", Set.of("create", "patch")));

    JsonNode role = SEED.one("Role");
    assertThat(role.at("/metadata/namespace").asString()).isEqualTo(HeraldChart.NAMESPACE);
    Map<String, Set<String>> ns = rules(role);
    Map<String, Set<String>> expected = new TreeMap<>();
    expected.put("/pods", Set.of("get", "list", "watch"));
    for (String r : List.of("ipaddresspools", "bgppeers", "bgpadvertisements", "l2advertisements", "communities",
        "bfdprofiles")) {
      expected.put("metallb.io/" + r, Set.of("get", "list", "watch"));
    }
    expected.put("metallb.io/servicebgpstatuses", Set.of("get", "list", "create", "delete"));
    expected.put("metallb.io/servicel2statuses", Set.of("get", "list", "create", "delete"));
    expected.put("metallb.io/configurationstates", Set.of("get", "create"));
    expected.put("metallb.io/servicebgpstatuses/status", Set.of("update"));
    expected.put("metallb.io/servicel2statuses/status", Set.of("update"));
    expected.put("metallb.io/configurationstates/status", Set.of("update"));
    assertThat(ns).isEqualTo(expected);

    String sa = SEED.one("ServiceAccount").at("/metadata/name").asString();
    assertThat(SEED.one("DaemonSet").at("/spec/template/spec/serviceAccountName").asString()).isEqualTo(sa);
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      JsonNode b = SEED.one(kind);
      String roleKind = kind.replace("Binding", "");
      assertThat(b.at("/roleRef/kind").asString()).isEqualTo(roleKind);
      assertThat(b.at("/roleRef/name").asString()).isEqualTo(SEED.one(roleKind).at("/metadata/name").asString());
      assertThat(b.at("/subjects/0/kind").asString()).isEqualTo("ServiceAccount");
      assertThat(b.at("/subjects/0/name").asString()).isEqualTo(sa);
      assertThat(b.at("/subjects/0/namespace").asString()).isEqualTo(HeraldChart.NAMESPACE);
    }
  }

  @Test
  void configInlineReachesTheNodesConfigMapUnchanged() {
    JsonNode expected = HeraldChart.readYaml(HeraldChart.SEED_VALUES).path("configInline");
    assertThat(expected.path("address-pools").size()).isEqualTo(2);
    JsonNode inline = nodeConfig(SEED).path("configInline");
    assertThat(inline).isEqualTo(expected);
    assertConfigMapMounted(SEED);
  }

  @Test
  void configInlineKeepsLargeNumbersAndStringsThatLookLikeOtherTypes(@org.junit.jupiter.api.io.TempDir Path dir) {
    // Helm reads values through JSON (numbers as float64); 4-byte ASNs must not come out as 4.2e+09,
    // and quoted strings must stay strings.
    Path values = HeraldChart.valuesFile(dir, "asn-values.yaml", """
        configInline:
          peers:
            - peer-address: 192.0.2.1
              peer-asn: 4200000000
              my-asn: 4294967294
              hold-time: 90s
              password: "0123"
              ebgp-multihop: true
          bgp-communities:
            no-advertise: "65535:65282"
          address-pools:
            - name: "yes"
              protocol: bgp
              addresses: [198.51.100.0/24]
              bgp-advertisements:
                - aggregation-length: 32
                  localpref: 100
                  communities: [no-advertise]
        """);
    JsonNode expected = HeraldChart.readYaml(values).path("configInline");
    JsonNode inline = nodeConfig(HeraldChart.render(List.of(values), Map.of())).path("configInline");
    assertThat(inline).isEqualTo(expected);
    assertThat(inline.at("/peers/0/my-asn").asLong()).isEqualTo(4294967294L);
    assertThat(inline.at("/peers/0/password").isString()).isTrue();
    assertThat(inline.at("/address-pools/0/name").isString()).isTrue();
  }

  @Test
  void configInlineGivenAsAStringIsKeptCharacterForCharacter() {
    Path values = HeraldChart.DIR.resolve("ci/layer2-values.yaml");
    Manifests m = HeraldChart.render(List.of(values), Map.of());
    String expected = HeraldChart.readYaml(values).path("configInline").asString();
    assertThat(expected).contains("protocol: layer2");
    assertThat(nodeConfig(m).path("configInline").asString()).isEqualTo(expected);
  }

  @Test
  void defaultValuesGiveAnEmptyConfigInline() {
    JsonNode inline = nodeConfig(HeraldChart.render()).path("configInline");
    assertThat(inline.isObject()).isTrue();
    assertThat(inline.size()).isZero();
  }

  @Test
  void changedConfigInlineRollsTheNodePods() {
    String before = HeraldChart.render().one("DaemonSet").at("/spec/template/metadata/annotations/checksum~1config")
        .asString();
    assertThat(before).hasSize(64);
    assertThat(SEED.one("DaemonSet").at("/spec/template/metadata/annotations/checksum~1config").asString())
        .isNotEqualTo(before);
  }

  @Test
  void portsBindAndLogLevelFollowTheValues() {
    Map<String, Object> sets = new LinkedHashMap<>();
    sets.put("cluster.remotingPort", "2552");
    sets.put("management.port", "9472");
    sets.put("management.bindAddress", "0.0.0.0");
    sets.put("speaker.logLevel", "none");
    sets.put("loadBalancerClass", "example.org/herald");
    Manifests m = HeraldChart.render(List.of(), sets);
    JsonNode c = onlyContainer(m.one("DaemonSet"));
    assertThat(args(c)).contains("--bind=$(POD_IP):2552", "--http=0.0.0.0:9472");
    Map<String, Integer> ports = new TreeMap<>();
    c.path("ports").forEach(p -> ports.put(p.path("name").asString(), p.path("containerPort").asInt()));
    assertThat(ports).isEqualTo(Map.of("remoting", 2552, "management", 9472));
    assertThat(env(c, "HERALD_LOG_LEVEL").path("value").asString()).isEqualTo("OFF");
    assertThat(env(c, "HERALD_LOAD_BALANCER_CLASS").path("value").asString()).isEqualTo("example.org/herald");
    JsonNode svc = m.one("Service");
    assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(2552);
    assertThat(svc.at("/spec/ports/1/port").asInt()).isEqualTo(9472);
  }

  @Test
  void rbacAndServiceAccountCanBeLeftToTheUser() {
    Manifests m = HeraldChart.render(List.of(HeraldChart.DIR.resolve("ci/layer2-values.yaml")), Map.of());
    for (String kind : List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount",
        "CustomResourceDefinition")) {
      assertThat(m.ofKind(kind)).as(kind).isEmpty();
    }
    JsonNode pod = m.one("DaemonSet").at("/spec/template/spec");
    assertThat(pod.path("serviceAccountName").asString()).isEqualTo("herald-node");
    assertThat(stringMap(pod.path("nodeSelector"))).isEqualTo(Map.of("kubernetes.io/os", "linux"));
    assertThat(pod.path("tolerations").size()).isEqualTo(1);
    assertThat(env(onlyContainer(m.one("DaemonSet")), "HERALD_LOG_LEVEL").path("value").asString()).isEqualTo("DEBUG");
  }

  @Test
  void h2JournalIsAFileOnTheNode() {
    JsonNode c = onlyContainer(SEED.one("DaemonSet"));
    assertThat(args(c)).contains("--journal=$(HERALD_JOURNAL)");
    assertThat(env(c, "HERALD_JOURNAL").path("value").asString()).isEqualTo("h2:/var/lib/herald/journal");
    assertThat(SEED.ofKind("Secret")).isEmpty();
    Manifests host = HeraldChart.render(List.of(), Map.of("persistence.h2.hostPath", "/srv/herald"));
    JsonNode journal = volume(host.one("DaemonSet"), "journal");
    assertThat(journal.at("/hostPath/path").asString()).isEqualTo("/srv/herald");
  }

  @Test
  void postgresJournalTakesThePasswordFromASecret() {
    Manifests m = HeraldChart.render(List.of(), Map.of("persistence.backend", "postgres",
        "persistence.postgres.host", "db.example.org", "persistence.postgres.existingSecret", "herald-db",
        "persistence.postgres.parameters", "sslmode=require"));
    JsonNode c = onlyContainer(m.one("DaemonSet"));
    assertThat(env(c, "HERALD_JOURNAL").path("value").asString()).isEqualTo(
        "postgres:jdbc:postgresql://db.example.org:5432/herald?user=herald&password=$(HERALD_JOURNAL_PASSWORD)"
            + "&sslmode=require");
    JsonNode ref = env(c, "HERALD_JOURNAL_PASSWORD").at("/valueFrom/secretKeyRef");
    assertThat(ref.path("name").asString()).isEqualTo("herald-db");
    assertThat(ref.path("key").asString()).isEqualTo("password");
    // The password variable must come first: Kubernetes expands $(VAR) only from earlier entries.
    List<String> names = c.path("env").findValuesAsString("name");
    assertThat(names.indexOf("HERALD_JOURNAL_PASSWORD")).isLessThan(names.indexOf("HERALD_JOURNAL"));
    assertThat(m.ofKind("Secret")).isEmpty();
  }

  @Test
  void postgresJournalWithAGivenPasswordStoresItInTheChartsSecret() {
    Manifests m = HeraldChart.render(List.of(), Map.of("persistence.backend", "postgres",
        "persistence.postgres.host", "db.example.org", "persistence.postgres.password", "s3cr3t"));
    JsonNode secret = m.one("Secret");
    JsonNode ref = env(onlyContainer(m.one("DaemonSet")), "HERALD_JOURNAL_PASSWORD").at("/valueFrom/secretKeyRef");
    assertThat(ref.path("name").asString()).isEqualTo(secret.at("/metadata/name").asString());
    String b64 = secret.path("data").path(ref.path("key").asString()).asString();
    assertThat(new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("s3cr3t");
  }

  @Test
  void postgresJournalWithoutAHostOrPasswordFails() {
    assertThatThrownBy(() -> HeraldChart.template(List.of(), Map.of("persistence.backend", "postgres",
        "persistence.postgres.password", "s3cr3t")))
        .hasMessageContaining("persistence.postgres.host");
    assertThatThrownBy(() -> HeraldChart.template(List.of(), Map.of("persistence.backend", "postgres",
        "persistence.postgres.host", "db.example.org")))
        .hasMessageContaining("persistence.postgres.password or persistence.postgres.existingSecret");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void theNodeReadsItsNamespaceAndNamesItsEventSources() {
    JsonNode c = onlyContainer(SEED.one("DaemonSet"));
    assertThat(args(c)).contains("--namespace=$(POD_NAMESPACE)", "--in-cluster", "--event-component-speaker=metallb-speaker",
        "--event-component-controller=metallb-controller");
    assertThat(env(c, "POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asString()).isEqualTo("metadata.namespace");

    Manifests renamed = HeraldChart.render(List.of(),
        Map.of("events.speakerComponent", "herald-speaker", "events.controllerComponent", "herald-controller"));
    assertThat(args(onlyContainer(renamed.one("DaemonSet"))))
        .contains("--event-component-speaker=herald-speaker", "--event-component-controller=herald-controller");
  }

  @Test
  void theDefaultImageIsTheOneTheImageBuildWrites() throws Exception {
    // cluster-node's -Pimage profile names the image <repository>:<project version>; the chart's
    // default is speaker.image.repository with the tag defaulting to appVersion.
    String pom = java.nio.file.Files.readString(HeraldChart.MODULE.getParent().resolve("cluster-node/pom.xml"));
    java.util.regex.Matcher name = java.util.regex.Pattern
        .compile("<herald.image.name>([^<]+):\\$\\{project.version}</herald.image.name>").matcher(pom);
    assertThat(name.find()).as("herald.image.name in cluster-node/pom.xml").isTrue();
    String rootPom = java.nio.file.Files.readString(HeraldChart.MODULE.getParent().resolve("pom.xml"));
    java.util.regex.Matcher version = java.util.regex.Pattern
        .compile("<artifactId>herald-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(rootPom);
    assertThat(version.find()).isTrue();
    JsonNode chart = HeraldChart.readYaml(HeraldChart.DIR.resolve("Chart.yaml"));
    assertThat(chart.path("appVersion").asString()).isEqualTo(version.group(1));
    JsonNode c = onlyContainer(SEED.one("DaemonSet"));
    assertThat(c.path("image").asString()).isEqualTo(name.group(1) + ":" + version.group(1));
  }

  static JsonNode onlyContainer(JsonNode ds) {
    JsonNode cs = ds.at("/spec/template/spec/containers");
    assertThat(cs.size()).isEqualTo(1);
    return cs.get(0);
  }

  static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asString())) {
        return e;
      }
    }
    throw new AssertionError("no env " + name + " in " + container.path("env"));
  }

  static JsonNode volume(JsonNode ds, String name) {
    for (JsonNode v : ds.at("/spec/template/spec/volumes")) {
      if (name.equals(v.path("name").asString())) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  static List<String> args(JsonNode container) {
    return strings(container.path("args"));
  }

  static List<String> strings(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }

  static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> m = new TreeMap<>();
    object.properties().forEach(e -> m.put(e.getKey(), e.getValue().asString()));
    return m;
  }

  /** {@code group/resource} to verbs; a resource named twice would hide a broader grant, so it fails. */
  static Map<String, Set<String>> rules(JsonNode role) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (JsonNode rule : role.path("rules")) {
      assertThat(rule.has("resourceNames")).isFalse();
      Set<String> verbs = new TreeSet<>(strings(rule.path("verbs")));
      assertThat(verbs).doesNotContain("*");
      for (String group : strings(rule.path("apiGroups"))) {
        for (String resource : strings(rule.path("resources"))) {
          assertThat(group + resource).doesNotContain("*");
          assertThat(out.put(group + "/" + resource, verbs)).as("%s/%s granted twice", group, resource).isNull();
        }
      }
    }
    return out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
  }

  static JsonNode nodeConfig(Manifests m) {
    JsonNode cm = m.one("ConfigMap");
    String text = cm.at("/data/config.yaml").asString();
    assertThat(text).isNotBlank();
    return HeraldChart.YAML.readTree(text);
  }

  static void assertConfigMapMounted(Manifests m) {
    JsonNode ds = m.one("DaemonSet");
    assertThat(volume(ds, "config").at("/configMap/name").asString())
        .isEqualTo(m.one("ConfigMap").at("/metadata/name").asString());
    JsonNode mount = null;
    for (JsonNode vm : onlyContainer(ds).path("volumeMounts")) {
      if ("config".equals(vm.path("name").asString())) {
        mount = vm;
      }
    }
    assertThat(mount).isNotNull();
    assertThat("/etc/herald/config.yaml").startsWith(mount.path("mountPath").asString() + "/");
  }
}
