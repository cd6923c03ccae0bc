package io.herald.k8s.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SandboxApiTest {

  private static SandboxApi api;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  static void start() throws Exception {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(api.url() + path))
            .header("Accept", "application/vnd.kubernetes.protobuf,application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void discoveryNamesEveryServedGroupAndResource() throws Exception {
    JsonNode groups = json.readTree(get("/apis?timeout=32s").body());
    assertThat(groups.path("kind").asString()).isEqualTo("APIGroupList");
    assertThat(groups.path("groups").findValuesAsString("name"))
        .contains("discovery.k8s.io", "metallb.io", "apiextensions.k8s.io");
    JsonNode metallb =
        groups.path("groups").valueStream().filter(g -> g.path("name").asString().equals("metallb.io")).findFirst().orElseThrow();
    assertThat(metallb.path("preferredVersion").path("version").asString()).isEqualTo("v1beta2");

    JsonNode core = json.readTree(get("/api/v1").body());
    JsonNode svc =
        core.path("resources").valueStream().filter(r -> r.path("name").asString().equals("services")).findFirst().orElseThrow();
    assertThat(svc.path("shortNames").get(0).asString()).isEqualTo("svc");
    assertThat(core.path("resources").findValuesAsString("name")).contains("services/status", "events", "nodes");

    assertThat(json.readTree(get("/api").body()).path("versions").get(0).asString()).isEqualTo("v1");
    assertThat(json.readTree(get("/version?timeout=5s").body()).path("minor").asString()).isEqualTo("32");
    assertThat(json.readTree(get("/apis/metallb.io/v1beta1").body()).path("resources").findValuesAsString("kind"))
        .contains("IPAddressPool", "L2Advertisement", "ServiceL2Status", "ConfigurationState");
  }

  @Test
  void discoveryServesTheKindsTheHelmChartRenders() throws Exception {
    assertThat(json.readTree(get("/apis").body()).path("groups").findValuesAsString("name"))
        .contains("apps", "rbac.authorization.k8s.io", "policy", "monitoring.coreos.com");
    assertThat(json.readTree(get("/apis/apps/v1").body()).path("resources").findValuesAsString("kind"))
        .contains("DaemonSet", "StatefulSet");
    JsonNode rbac = json.readTree(get("/apis/rbac.authorization.k8s.io/v1").body()).path("resources");
    assertThat(rbac.findValuesAsString("kind")).contains("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    JsonNode clusterRole = rbac.valueStream().filter(r -> r.path("name").asString().equals("clusterroles"))
        .findFirst().orElseThrow();
    assertThat(clusterRole.path("namespaced").asBoolean()).as("ClusterRole is cluster-scoped").isFalse();
    assertThat(json.readTree(get("/apis/policy/v1").body()).path("resources").findValuesAsString("kind"))
        .contains("PodDisruptionBudget");
    assertThat(json.readTree(get("/apis/monitoring.coreos.com/v1").body()).path("resources").findValuesAsString("kind"))
        .contains("ServiceMonitor", "PrometheusRule");
    assertThat(json.readTree(get("/api/v1").body()).path("resources").findValuesAsString("kind"))
        .contains("ServiceAccount", "ConfigMap", "Service");
    // Stored and listed with their typed list kind, as for the other kinds.
    assertThat(json.readTree(get("/apis/apps/v1/namespaces/metallb-system/daemonsets").body()).path("kind").asString())
        .isEqualTo("DaemonSetList");
  }

  @Test
  void everyAnswerIsJsonAndListsCarryTheirTypedKind() throws Exception {
    api.client().services().inNamespace("default")
        .resource(new ServiceBuilder().withNewMetadata().withName("typed").endMetadata().withNewSpec().withType("LoadBalancer").endSpec().build())
        .create();
    HttpResponse<String> list = get("/api/v1/namespaces/default/services");
    assertThat(list.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode tree = json.readTree(list.body());
    assertThat(tree.path("kind").asString()).isEqualTo("ServiceList");
    assertThat(tree.path("apiVersion").asString()).isEqualTo("v1");
    assertThat(tree.path("items").findValuesAsString("name")).contains("typed");
    assertThat(tree.path("items").get(0).path("kind").asString()).isEqualTo("Service");

    HttpResponse<String> one = get("/api/v1/namespaces/default/services/typed");
    assertThat(one.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ipaddresspools.metallb.io").statusCode()).isEqualTo(200);
  }

  @Test
  void eventListsHonourInvolvedObjectFieldSelectors() throws Exception {
    for (String name : new String[] {"web", "db"}) {
      api.client().v1().events().inNamespace("default")
          .resource(new EventBuilder().withNewMetadata().withName(name + ".1").endMetadata()
              .withNewInvolvedObject().withKind("Service").withName(name).withNamespace("default").endInvolvedObject()
              .withReason("nodeAssigned").withType("Normal").build())
          .create();
    }
    String selector = "involvedObject.name%3Dweb%2CinvolvedObject.namespace%3Ddefault%2CinvolvedObject.kind%3DService";
    JsonNode web = json.readTree(get("/api/v1/namespaces/default/events?fieldSelector=" + selector + "&limit=500").body());
    assertThat(web.path("kind").asString()).isEqualTo("EventList");
    assertThat(web.path("items").findValuesAsString("name")).contains("web.1").doesNotContain("db.1");

    JsonNode notWeb = json.readTree(get("/api/v1/events?fieldSelector=involvedObject.name!%3Dweb").body());
    assertThat(notWeb.path("items").findValuesAsString("name")).contains("db.1").doesNotContain("web.1");
  }

  @Test
  void aMergePatchNullRemovesTheMemberAsTheApiServerDoes() {
    var services = api.client().services().inNamespace("merge");
    services.resource(new ServiceBuilder().withNewMetadata().withName("web").withNamespace("merge")
        .addToAnnotations("metallb.io/ip-allocated-from-pool", "private").addToAnnotations("keep", "me").endMetadata()
        .withNewSpec().withType("LoadBalancer").endSpec().build()).create();
    services.withName("web").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"metallb.io/ip-allocated-from-pool\":null}}}");
    assertThat(services.withName("web").get().getMetadata().getAnnotations())
        .isEqualTo(java.util.Map.of("keep", "me"));
  }

  @Test
  void metallbResourcesCanBeStoredAndListed() {
    var ctx = new ResourceDefinitionContext.Builder().withGroup("metallb.io").withVersion("v1beta1")
        .withPlural("ipaddresspools").withKind("IPAddressPool").withNamespaced(true).build();
    GenericKubernetesResource pool = new GenericKubernetesResource();
    pool.setApiVersion("metallb.io/v1beta1");
    pool.setKind("IPAddressPool");
    pool.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("p1").withNamespace("metallb-system").build());
    pool.setAdditionalProperty("spec", java.util.Map.of("addresses", java.util.List.of("192.0.2.0/28")));
    api.client().genericKubernetesResources(ctx).inNamespace("metallb-system").resource(pool).create();
    assertThat(api.client().genericKubernetesResources(ctx).inNamespace("metallb-system").list().getItems())
        .extracting(r -> r.getMetadata().getName()).contains("p1");
  }

  @Test
  void loadsEveryObjectOfADirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("10-svc.yaml"), String.join("\n",
        "apiVersion: v1", "kind: Service", "metadata: {name: loaded, namespace: default}", "spec: {type: LoadBalancer}",
        "---",
        "apiVersion: metallb.io/v1beta1", "kind: L2Advertisement", "metadata: {name: l2, namespace: metallb-system}", "spec: {}", ""));
    Files.writeString(dir.resolve("ignored.txt"), "not yaml");
    assertThat(api.load(dir)).isEqualTo(2);
    assertThat(api.client().services().inNamespace("default").withName("loaded").get()).isNotNull();
  }

  @Test
  void kubeconfigPointsAtTheSandbox(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/sandbox.kubeconfig");
    api.writeKubeconfig(file);
    String text = Files.readString(file);
    assertThat(text).contains("server: " + api.url()).contains("current-context: herald-sandbox");
  }

  @Test
  void servedRequestsAreNotKept() throws Exception {
    int before = api.httpServer().getRequestCount();
    for (int i = 0; i < 50; i++) {
      assertThat(get("/api/v1/namespaces/default").statusCode()).isEqualTo(200);
    }
    assertThat(api.httpServer().getRequestCount() - before).isGreaterThanOrEqualTo(50);
    assertThat(api.httpServer().takeRequest(0, java.util.concurrent.TimeUnit.NANOSECONDS))
        .as("a request still held after it was served").isNull();
  }
}
