package io.herald.k8s.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SandboxStoreTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ApiResource SERVICES = ApiResources.find("", "v1", "services").orElseThrow();
  private static final ApiResource CONFIGMAPS = ApiResources.find("", "v1", "configmaps").orElseThrow();
  private static final ApiResource NODES = ApiResources.find("", "v1", "nodes").orElseThrow();

  private final SandboxStore store = new SandboxStore(JSON);

  private static JsonNode json(String text) {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static String rv(SandboxStore.Reply r) {
    return r.body().path("metadata").path("resourceVersion").asString();
  }

  /** A sink that records frames as "TYPE name". */
  private static final class Frames implements SandboxStore.Sink {
    final List<String> seen = new ArrayList<>();
    boolean closed;

    @Override
    public void send(String text) {
      JsonNode e = JSON.readTree(text);
      seen.add(e.path("type").asString() + " " + e.path("object").path("metadata").path("name").asString(
          e.path("object").path("code").asString()));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private SandboxStore.Reply service(String ns, String name) {
    return store.create(SERVICES, ns, json("{'metadata':{'name':'" + name + "','labels':{'app':'" + name
        + "'}},'spec':{'type':'LoadBalancer'},'status':{'loadBalancer':{}}}"));
  }

  @Test
  void createStampsMetadataAndRefusesADuplicate() {
    SandboxStore.Reply r = service("default", "web");
    assertThat(r.code()).isEqualTo(201);
    JsonNode meta = r.body().path("metadata");
    assertThat(meta.path("namespace").asString()).isEqualTo("default");
    assertThat(meta.path("uid").asString()).isNotEmpty();
    assertThat(meta.path("creationTimestamp").asString()).endsWith("Z");
    assertThat(r.body().path("kind").asString()).isEqualTo("Service");

    SandboxStore.Reply again = service("default", "web");
    assertThat(again.code()).isEqualTo(409);
    assertThat(again.body().path("reason").asString()).isEqualTo("AlreadyExists");
    assertThat(service("other", "web").code()).as("same name, other namespace").isEqualTo(201);
  }

  @Test
  void createWithoutANameIsInvalidAndGenerateNameMakesOne() {
    assertThat(store.create(CONFIGMAPS, "default", json("{'metadata':{}}")).code()).isEqualTo(422);
    SandboxStore.Reply r = store.create(CONFIGMAPS, "default", json("{'metadata':{'generateName':'cfg-'}}"));
    assertThat(r.code()).isEqualTo(201);
    assertThat(r.body().path("metadata").path("name").asString()).startsWith("cfg-").hasSize(9);
    assertThat(store.create(CONFIGMAPS, "default", json("{'metadata':{'name':'x','namespace':'kube-system'}}")).code())
        .as("namespace in the body differs from the URL's").isEqualTo(400);
  }

  @Test
  void aStaleResourceVersionConflictsAndEveryWriteGetsANewOne() {
    String v1 = rv(service("default", "web"));
    JsonNode put = json("{'metadata':{'name':'web','resourceVersion':'" + v1
        + "','labels':{'app':'web','tier':'front'}},'spec':{'type':'LoadBalancer'}}");
    SandboxStore.Reply r = store.replace(SERVICES, "default", "web", false, put);
    assertThat(r.code()).isEqualTo(200);
    assertThat(Long.parseLong(rv(r))).isGreaterThan(Long.parseLong(v1));
    SandboxStore.Reply stale = store.replace(SERVICES, "default", "web", false, put);
    assertThat(stale.code()).isEqualTo(409);
    assertThat(stale.body().path("reason").asString()).isEqualTo("Conflict");
    assertThat(store.get(SERVICES, "default", "web").body().path("metadata").path("labels").path("tier").asString())
        .isEqualTo("front");
  }

  @Test
  void theStatusSubresourceSeparatesStatusFromTheRestOfTheObject() {
    service("default", "web");
    // a PUT of the object with another status keeps the stored status
    store.replace(SERVICES, "default", "web", false,
        json("{'metadata':{'name':'web','labels':{'app':'web'}},'spec':{'type':'LoadBalancer'},"
            + "'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.1'}]}}}"));
    assertThat(store.get(SERVICES, "default", "web").body().path("status").path("loadBalancer").has("ingress")).isFalse();
    // a merge patch of a Service's /status changes the status and the metadata, never the spec
    SandboxStore.Reply r = store.patch(SERVICES, "default", "web", true, SandboxStore.PatchKind.MERGE,
        json("{'metadata':{'annotations':{'pool':'p1'}},'spec':{'type':'ClusterIP'},"
            + "'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.7'}]}}}"));
    assertThat(r.code()).isEqualTo(200);
    JsonNode now = store.get(SERVICES, "default", "web").body();
    assertThat(now.path("status").path("loadBalancer").path("ingress").get(0).path("ip").asString()).isEqualTo("192.0.2.7");
    assertThat(now.path("metadata").path("annotations").path("pool").asString()).isEqualTo("p1");
    assertThat(now.path("metadata").path("labels").path("app").asString()).isEqualTo("web");
    assertThat(now.path("spec").path("type").asString()).isEqualTo("LoadBalancer");
    // a custom resource's /status takes only the status
    ApiResource bgpStatus = ApiResources.find("metallb.io", "v1beta1", "servicebgpstatuses").orElseThrow();
    store.create(bgpStatus, "default", json("{'metadata':{'name':'s','labels':{'a':'1'}}}"));
    store.patch(bgpStatus, "default", "s", true, SandboxStore.PatchKind.MERGE,
        json("{'metadata':{'labels':{'a':'2'}},'status':{'node':'n1'}}"));
    JsonNode cr = store.get(bgpStatus, "default", "s").body();
    assertThat(cr.path("status").path("node").asString()).isEqualTo("n1");
    assertThat(cr.path("metadata").path("labels").path("a").asString()).isEqualTo("1");
    // a type without a status subresource has no /status
    store.create(CONFIGMAPS, "default", json("{'metadata':{'name':'c'}}"));
    assertThat(store.replace(CONFIGMAPS, "default", "c", true, json("{'status':{}}")).code()).isEqualTo(404);
  }

  @Test
  void mergePatchRemovesNullsAndJsonPatchAppliesOperationsInOrder() {
    store.create(CONFIGMAPS, "default", json("{'metadata':{'name':'c','annotations':{'a':'1','b':'2'}},'data':{'k':'v'}}"));
    store.patch(CONFIGMAPS, "default", "c", false, SandboxStore.PatchKind.MERGE,
        json("{'metadata':{'annotations':{'a':null}},'data':{'k2':'v2'}}"));
    JsonNode c = store.get(CONFIGMAPS, "default", "c").body();
    assertThat(c.path("metadata").path("annotations").has("a")).isFalse();
    assertThat(c.path("metadata").path("annotations").path("b").asString()).isEqualTo("2");
    assertThat(c.path("data").path("k").asString()).isEqualTo("v");
    assertThat(c.path("data").path("k2").asString()).isEqualTo("v2");

    SandboxStore.Reply r = store.patch(CONFIGMAPS, "default", "c", false, SandboxStore.PatchKind.JSON,
        json("[{'op':'replace','path':'/data/k','value':'w'},{'op':'remove','path':'/data/k2'}]"));
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.body().path("data").path("k").asString()).isEqualTo("w");
    assertThat(r.body().path("data").has("k2")).isFalse();
    SandboxStore.Reply bad = store.patch(CONFIGMAPS, "default", "c", false, SandboxStore.PatchKind.JSON,
        json("[{'op':'remove','path':'/data/missing'}]"));
    assertThat(bad.code()).isEqualTo(422);
    assertThat(store.get(CONFIGMAPS, "default", "c").body().path("data").path("k").asString())
        .as("a failed patch changes nothing").isEqualTo("w");
  }

  @Test
  void aWriteThatChangesNothingMakesNoNewVersion() {
    String v1 = rv(store.create(CONFIGMAPS, "default", json("{'metadata':{'name':'c'},'data':{'k':'v'}}")));
    SandboxStore.Reply same = store.patch(CONFIGMAPS, "default", "c", false, SandboxStore.PatchKind.MERGE,
        json("{'data':{'k':'v'}}"));
    assertThat(rv(same)).isEqualTo(v1);
  }

  @Test
  void listsSelectByNamespaceLabelsAndFields() {
    service("default", "web");
    service("default", "db");
    service("prod", "web");
    SandboxStore.Query all = new SandboxStore.Query(SERVICES, null, null, null, null);
    assertThat(store.list(all).body().path("items").size()).isEqualTo(3);
    assertThat(store.list(all).body().path("kind").asString()).isEqualTo("ServiceList");
    SandboxStore.Query inDefault = new SandboxStore.Query(SERVICES, "default", null, null, null);
    assertThat(store.list(inDefault).body().path("items").findValuesAsString("name")).containsExactly("db", "web");
    SandboxStore.Query byLabel = new SandboxStore.Query(SERVICES, null, null, LabelQuery.parse("app%20in%20(web)"), null);
    assertThat(store.list(byLabel).body().path("items").size()).isEqualTo(2);
    SandboxStore.Query byField = new SandboxStore.Query(SERVICES, null, null, null,
        FieldSelector.parse("metadata.namespace%3Dprod"));
    assertThat(store.list(byField).body().path("items").size()).isEqualTo(1);
  }

  @Test
  void aWatchFromNowStartsWithTheCurrentObjectsAndFollowsChanges() {
    service("default", "web");
    Frames f = new Frames();
    Runnable stop = store.watch(new SandboxStore.Query(SERVICES, "default", null, null, null), null, f);
    service("default", "db");
    service("prod", "api");
    store.delete(SERVICES, "default", "web");
    assertThat(f.seen).containsExactly("ADDED web", "ADDED db", "DELETED web");
    stop.run();
    service("default", "late");
    assertThat(f.seen).hasSize(3);
  }

  @Test
  void aWatchFromAResourceVersionMissesNothingWrittenSinceTheList() {
    service("default", "web");
    String listed = rv(store.list(new SandboxStore.Query(SERVICES, null, null, null, null)));
    // written after the list, before the watch starts (an informer's window)
    service("default", "db");
    store.patch(SERVICES, "default", "web", false, SandboxStore.PatchKind.MERGE, json("{'metadata':{'labels':{'x':'y'}}}"));
    Frames f = new Frames();
    store.watch(new SandboxStore.Query(SERVICES, null, null, null, null), listed, f);
    store.create(NODES, null, json("{'metadata':{'name':'n1'}}"));
    service("default", "api");
    assertThat(f.seen).containsExactly("ADDED db", "MODIFIED web", "ADDED api");
  }

  @Test
  void aWatchFromAVersionNoLongerKeptGetsGone() {
    for (int i = 0; i < SandboxStore.HISTORY + 5; i++) {
      store.create(CONFIGMAPS, "default", json("{'metadata':{'name':'c" + i + "'}}"));
    }
    Frames f = new Frames();
    store.watch(new SandboxStore.Query(CONFIGMAPS, null, null, null, null), "2", f);
    assertThat(f.seen).containsExactly("ERROR 410");
    assertThat(f.closed).isTrue();
  }

  @Test
  void anObserverSeesEachStoredChangeOfItsTypeUntilStopped() {
    List<String> seen = new ArrayList<>();
    Runnable stop = store.observe(SERVICES, (event, o) -> seen.add(event + " " + o.path("metadata").path("name").asString()
        + " " + o.path("status").path("loadBalancer").path("ingress").size()));
    service("default", "web");
    store.create(CONFIGMAPS, "default", json("{'metadata':{'name':'cfg'}}"));
    JsonNode ingress = json("{'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.1'}]}}}");
    store.patch(SERVICES, "default", "web", true, SandboxStore.PatchKind.MERGE, ingress);
    store.patch(SERVICES, "default", "web", true, SandboxStore.PatchKind.MERGE, ingress);
    store.delete(SERVICES, "default", "web");
    stop.run();
    service("default", "api");

    assertThat(seen).as("no event for the configmap, for the patch that changed nothing, nor after stop")
        .containsExactly("ADDED web 0", "MODIFIED web 1", "DELETED web 1");
  }

  private static List<String> keys(SandboxStore.Reply list) {
    List<String> out = new ArrayList<>();
    for (JsonNode o : list.body().path("items")) {
      out.add(o.path("metadata").path("namespace").asString() + "/" + o.path("metadata").path("name").asString());
    }
    return out;
  }

  @Test
  void listsAreInKeyOrderAndANamespaceIsExactlyItsOwnObjects() {
    for (String key : List.of("ns-10/b", "ns-1/z", "ns-1/a", "ns-2/a", "ns-10/a", "ns-1/m")) {
      String[] nsName = key.split("/");
      service(nsName[0], nsName[1]);
    }
    // Replacing or patching an object keeps its place; deleting one takes it out of every list.
    store.patch(SERVICES, "ns-1", "m", false, SandboxStore.PatchKind.MERGE, json("{'metadata':{'labels':{'x':'y'}}}"));
    store.delete(SERVICES, "ns-2", "a");

    assertThat(keys(store.list(new SandboxStore.Query(SERVICES, null, null, null, null))))
        .containsExactly("ns-1/a", "ns-1/m", "ns-1/z", "ns-10/a", "ns-10/b");
    assertThat(keys(store.list(new SandboxStore.Query(SERVICES, "ns-1", null, null, null))))
        .containsExactly("ns-1/a", "ns-1/m", "ns-1/z");
    assertThat(keys(store.list(new SandboxStore.Query(SERVICES, "ns-2", null, null, null)))).isEmpty();
    assertThat(store.get(SERVICES, "ns-1", "m").body().path("metadata").path("labels").path("x").asString())
        .isEqualTo("y");
    assertThat(store.get(SERVICES, "ns-2", "a").code()).isEqualTo(404);
  }
}
