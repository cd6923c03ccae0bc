package io.herald.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.herald.k8s.convert.Views;
import io.herald.k8s.model.ServiceView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an informer caches: the object without managedFields and kubectl's last-applied copy. */
class LeanItemStoreTest {

  private static final String POOL = "metallb.io/address-pool";
  private static final String SHARED = "metallb.io/allow-shared-ip";

  /** As a real API server sends it after {@code kubectl apply}: managedFields and the applied copy. */
  private static Service applied(String name, Map<String, String> annotations) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace("default").withName(name).withUid("uid-" + name)
        .addToLabels("app", name).withAnnotations(annotations)
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl-client-side-apply")
            .withOperation("Update").withApiVersion("v1").withFieldsType("FieldsV1")
            .withFieldsV1(new FieldsV1()).build())
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("metallb-controller")
            .withOperation("Update").withApiVersion("v1").withSubresource("status").build())
        .endMetadata()
        .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy("Local")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.7").endIngress().endLoadBalancer().endStatus()
        .build();
  }

  private static Map<String, String> withLastApplied(Map<String, String> others) {
    Map<String, String> m = new HashMap<>(others);
    m.put(LeanItemStore.LAST_APPLIED, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"}}");
    return m;
  }

  @Test
  void cachesAServiceWithoutManagedFieldsOrTheLastAppliedCopyAndReadsTheSame() {
    var store = new LeanItemStore<Service>();
    Service svc = applied("web", withLastApplied(Map.of(POOL, "public", SHARED, "k")));
    Service untouched = applied("web", Map.of(POOL, "public", SHARED, "k"));
    assertThat(svc.getMetadata().getManagedFields()).hasSize(2);

    store.put(store.getKey(svc), svc);

    Service cached = store.get("default/web");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getAnnotations()).containsOnly(Map.entry(POOL, "public"), Map.entry(SHARED, "k"));
    // What the watcher reads is that of an object that never had either (CompactObjectsTest has the rest).
    assertThat(Views.service(cached)).isEqualTo(Views.service(untouched));
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.keySet()).containsExactly("default/web");
  }

  @Test
  void whatTheWatcherDecidesOnIsTheSameWithOrWithoutTheDroppedFields() {
    Service before = applied("web", withLastApplied(Map.of(SHARED, "k")));
    ServiceView full = Views.service(applied("web", withLastApplied(Map.of(SHARED, "k"))));
    ServiceView lean = Views.service(LeanItemStore.trim(before));

    assertThat(lean.annotations()).doesNotContainKey(LeanItemStore.LAST_APPLIED);
    // The view differs only by the dropped annotation.
    assertThat(lean).usingRecursiveComparison().ignoringFields("annotations").isEqualTo(full);
    assertThat(lean.annotations()).isEqualTo(Map.of(SHARED, "k"));
    assertThat(lean.sharingKey()).isEqualTo(full.sharingKey());
  }

  @Test
  void anUnmodifiableAnnotationMapIsReplacedNotChanged() {
    Service svc = applied("web", Map.of(LeanItemStore.LAST_APPLIED, "{}", POOL, "p"));
    svc.getMetadata().setAnnotations(Map.of(LeanItemStore.LAST_APPLIED, "{}", POOL, "p"));

    LeanItemStore.trim(svc);

    assertThat(svc.getMetadata().getAnnotations()).isEqualTo(Map.of(POOL, "p"));
  }

  @Test
  void anObjectWithNothingToDropKeepsItsAnnotationMap() {
    Service svc = applied("web", Map.of(POOL, "p"));
    svc.getMetadata().setManagedFields(null);
    Map<String, String> annotations = svc.getMetadata().getAnnotations();

    LeanItemStore.trim(svc);

    assertThat(svc.getMetadata().getAnnotations()).isSameAs(annotations);
    assertThat(svc.getMetadata().getManagedFields()).isNull();
  }

  @Test
  void clusterScopedObjectsAreKeyedByName() {
    var store = new LeanItemStore<Namespace>();
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToAnnotations(LeanItemStore.LAST_APPLIED, "{}")
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).endMetadata().build();

    store.put(store.getKey(ns), ns);

    assertThat(store.get("shop").getMetadata().getManagedFields()).isEmpty();
    assertThat(store.get("shop").getMetadata().getAnnotations()).isEmpty();
    assertThat(store.remove("shop")).isSameAs(ns);
    assertThat(store.size()).isZero();
  }
}
