package io.herald.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.herald.k8s.convert.Views;
import io.herald.k8s.model.ServiceView;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The compact Service, EndpointSlice and Node an informer caches: API-server JSON (with
 * managedFields, clusterIPs, nodePorts, targetRefs, zones, hints, node images...) decoded as the
 * informer decodes it, compacted, and then read as every reader reads it.
 */
class CompactObjectsTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static <T> T read(String name, Class<T> type) {
    try (InputStream in = CompactObjectsTest.class.getResourceAsStream("/compact/" + name)) {
      return JSON.unmarshal(new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Service service() {
    return read("service.json", Service.class);
  }

  private static EndpointSlice slice() {
    return read("endpointslice.json", EndpointSlice.class);
  }

  private static Node node() {
    return read("node.json", Node.class);
  }

  /**
   * Everything the allocation controller reads of a Service: {@code ServiceRequests.of} (in
   * cluster-node, out of this module's reach, so its reads are repeated here getter for getter)
   * and {@code AllocationController} (uid, annotations, type, class, ingress IPs).
   */
  private record AllocatorReads(
      String namespace, String name, String uid, String type, Map<String, String> labels,
      Map<String, String> annotations, String loadBalancerClass, String loadBalancerIP, List<String> ipFamilies,
      String ipFamilyPolicy, List<List<Object>> ports, String externalTrafficPolicy, Map<String, String> selector,
      List<String> ingressIps) {

    static AllocatorReads of(Service s) {
      var meta = s.getMetadata();
      var spec = s.getSpec();
      List<List<Object>> ports = new ArrayList<>();
      for (var p : spec.getPorts()) ports.add(List.of(p.getPort(), Optional.ofNullable(p.getProtocol())));
      List<String> ips = new ArrayList<>();
      for (LoadBalancerIngress in : s.getStatus().getLoadBalancer().getIngress()) ips.add(in.getIp());
      return new AllocatorReads(meta.getNamespace(), meta.getName(), meta.getUid(), spec.getType(),
          Map.copyOf(meta.getLabels()), Map.copyOf(meta.getAnnotations()), spec.getLoadBalancerClass(),
          spec.getLoadBalancerIP(), List.copyOf(spec.getIpFamilies()), spec.getIpFamilyPolicy(), ports,
          spec.getExternalTrafficPolicy(), Map.copyOf(spec.getSelector()), ips);
    }
  }

  @Test
  void aServiceReadsTheSameForTheWatcherAndTheAllocatorAsTheTrimmedOneCachedBefore() {
    Service before = LeanItemStore.trim(service());
    Service compact = CompactObjects.service(service());

    assertThat(Views.service(compact)).isEqualTo(Views.service(before));
    assertThat(Views.key(compact)).isEqualTo(Views.key(before));
    assertThat(AllocatorReads.of(compact)).isEqualTo(AllocatorReads.of(before));
    // The fixture exercises every read: not a comparison of empties.
    ServiceView view = Views.service(compact);
    assertThat(view.ingressIps()).containsExactly("192.0.2.10", "2001:db8::10");
    assertThat(view.sharingKey()).contains("shop-web");
    assertThat(view.loadBalancerClass()).contains("metallb.io/herald");
    assertThat(AllocatorReads.of(compact).ports()).containsExactly(
        List.of(80, Optional.of("TCP")), List.of(443, Optional.of("TCP")), List.of(53, Optional.of("UDP")));
    assertThat(compact.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
    assertThat(compact.getSpec().getSelector()).containsOnly(Map.entry("app.kubernetes.io/name", "web"));
    assertThat(compact.getStatus().getLoadBalancer().getIngress()).extracting(LoadBalancerIngress::getIpMode)
        .containsExactly("VIP", "VIP");
  }

  @Test
  void aServiceKeepsWhatTheInformerReads() {
    Service full = service();
    Service compact = CompactObjects.service(service());

    assertThat(Cache.metaNamespaceKeyFunc(compact)).isEqualTo("shop/web").isEqualTo(Cache.metaNamespaceKeyFunc(full));
    assertThat(Cache.metaNamespaceIndexFunc(compact)).isEqualTo(Cache.metaNamespaceIndexFunc(full));
    assertThat(compact.getMetadata().getResourceVersion()).isEqualTo("4711023");
    assertThat(compact.getMetadata().getUid()).isEqualTo(full.getMetadata().getUid());
    assertThat(compact.getKind()).isEqualTo("Service");
    assertThat(compact.getApiVersion()).isEqualTo("v1");
  }

  @Test
  void aServiceLosesWhatNoOneReads() {
    Service s = CompactObjects.service(service());

    var meta = s.getMetadata();
    assertThat(meta.getManagedFields()).isNull();
    assertThat(meta.getCreationTimestamp()).isNull();
    assertThat(meta.getOwnerReferences()).isNull();
    assertThat(meta.getFinalizers()).isNull();
    assertThat(meta.getGeneration()).isNull();
    assertThat(meta.getAnnotations()).doesNotContainKey(LeanItemStore.LAST_APPLIED).hasSize(4);
    var spec = s.getSpec();
    assertThat(spec.getClusterIP()).isNull();
    assertThat(spec.getClusterIPs()).isNull();
    assertThat(spec.getSessionAffinity()).isNull();
    assertThat(spec.getSessionAffinityConfig()).isNull();
    assertThat(spec.getInternalTrafficPolicy()).isNull();
    assertThat(spec.getHealthCheckNodePort()).isNull();
    assertThat(spec.getLoadBalancerSourceRanges()).isNull();
    assertThat(spec.getAllocateLoadBalancerNodePorts()).isNull();
    assertThat(spec.getPublishNotReadyAddresses()).isNull();
    assertThat(spec.getPorts()).allSatisfy(p -> {
      assertThat(p.getName()).isNull();
      assertThat(p.getNodePort()).isNull();
      assertThat(p.getTargetPort()).isNull();
      assertThat(p.getAppProtocol()).isNull();
    });
    assertThat(s.getStatus().getConditions()).isNull();
    assertThat(s.getStatus().getLoadBalancer().getIngress()).allSatisfy(in -> assertThat(in.getPorts()).isNull());
  }

  @Test
  void aSliceReadsTheSameForTheWatcherAndItsIndexAndLosesTheRest() {
    EndpointSlice full = slice();
    EndpointSlice s = CompactObjects.slice(slice());

    assertThat(Views.serviceOf(s)).isEqualTo(Views.serviceOf(full)).isPresent();
    assertThat(Views.endpoints(s)).isEqualTo(Views.endpoints(full)).hasSize(3);
    assertThat(Cache.metaNamespaceKeyFunc(s)).isEqualTo("shop/web-7xk2p");
    assertThat(s.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
    assertThat(s.getMetadata().getResourceVersion()).isEqualTo("4711388");
    assertThat(s.getMetadata().getUid()).isNull();
    assertThat(s.getAddressType()).isEqualTo("IPv4");
    assertThat(s.getEndpoints()).extracting(e -> e.getConditions().getTerminating())
        .containsExactly(false, true, null);

    assertThat(s.getPorts()).isNull();
    assertThat(s.getMetadata().getAnnotations()).isNull();
    assertThat(s.getMetadata().getOwnerReferences()).isNull();
    assertThat(s.getMetadata().getCreationTimestamp()).isNull();
    assertThat(s.getMetadata().getGenerateName()).isNull();
    assertThat(s.getMetadata().getManagedFields()).isNull();
    for (Endpoint e : s.getEndpoints()) {
      assertThat(e.getTargetRef()).isNull();
      assertThat(e.getHostname()).isNull();
      assertThat(e.getZone()).isNull();
      assertThat(e.getHints()).isNull();
      assertThat(e.getDeprecatedTopology()).isNull();
    }
  }

  @Test
  void aNodeReadsTheSameForTheWatcherAndLosesTheRest() {
    Node full = node();
    Node n = CompactObjects.node(node());

    assertThat(Views.node(n)).isEqualTo(Views.node(full));
    assertThat(Views.node(n).networkUnavailable()).isTrue();
    assertThat(Views.node(n).excludedFromLoadBalancers()).isTrue();
    assertThat(Cache.metaNamespaceKeyFunc(n)).isEqualTo("worker-1");
    assertThat(n.getMetadata().getResourceVersion()).isEqualTo("4712001");
    assertThat(n.getStatus().getConditions()).extracting(NodeCondition::getType, NodeCondition::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("MemoryPressure", "False"),
            org.assertj.core.groups.Tuple.tuple("DiskPressure", "False"),
            org.assertj.core.groups.Tuple.tuple("NetworkUnavailable", "True"),
            org.assertj.core.groups.Tuple.tuple("Ready", "True"));

    assertThat(n.getSpec()).isNull();
    assertThat(n.getMetadata().getAnnotations()).isNull();
    var status = n.getStatus();
    assertThat(status.getImages()).isNull();
    assertThat(status.getCapacity()).isNull();
    assertThat(status.getAllocatable()).isNull();
    assertThat(status.getNodeInfo()).isNull();
    assertThat(status.getAddresses()).isNull();
    assertThat(status.getDaemonEndpoints()).isNull();
    assertThat(status.getVolumesInUse()).isNull();
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getMessage()).isNull();
      assertThat(c.getReason()).isNull();
      assertThat(c.getLastHeartbeatTime()).isNull();
      assertThat(c.getLastTransitionTime()).isNull();
    });
  }

  @Test
  void everyModelObjectLeftSharesOneEmptyMapAndEveryCollectionIsImmutable() {
    for (HasMetadata o : List.of(CompactObjects.service(service()), CompactObjects.slice(slice()),
        CompactObjects.node(node()))) {
      List<Object> models = new ArrayList<>();
      List<Object> collections = new ArrayList<>();
      walk(o, models, collections, new IdentityHashMap<>());
      assertThat(models).as("model objects of %s", o.getKind()).hasSizeGreaterThan(3);
      for (Object m : models) {
        assertThat(additionalProperties(m)).as("%s", m.getClass().getSimpleName()).isSameAs(Map.of());
      }
      assertThat(collections).as("collections of %s", o.getKind()).isNotEmpty().allSatisfy(c ->
          assertThat(c.getClass().getName()).as("collection class").startsWith("java.util.ImmutableCollections"));
    }
  }

  @Test
  void stringsSharedAcrossObjectsAreOneInstance() {
    Service a = CompactObjects.service(service());
    Service b = CompactObjects.service(service());
    EndpointSlice s = CompactObjects.slice(slice());
    Node n = CompactObjects.node(node());

    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace()).isSameAs(s.getMetadata().getNamespace());
    assertThat(a.getSpec().getPorts().get(0).getProtocol()).isSameAs(b.getSpec().getPorts().get(1).getProtocol());
    assertThat(a.getSpec().getType()).isSameAs(b.getSpec().getType());
    assertThat(a.getSpec().getIpFamilies().get(0)).isSameAs(b.getSpec().getIpFamilies().get(0));
    assertThat(a.getSpec().getLoadBalancerClass()).isSameAs(b.getSpec().getLoadBalancerClass());
    assertThat(keyOf(a.getMetadata().getLabels(), "tier")).isSameAs(keyOf(b.getMetadata().getLabels(), "tier"));
    assertThat(a.getMetadata().getAnnotations().get("metallb.io/address-pool"))
        .isSameAs(b.getMetadata().getAnnotations().get("metallb.io/address-pool"));
    // The Service's name is its slices' service-name label value; a node's name every endpoint's nodeName.
    assertThat(a.getMetadata().getName()).isSameAs(s.getMetadata().getLabels().get(Views.SERVICE_NAME_LABEL));
    assertThat(n.getMetadata().getName()).isSameAs(s.getEndpoints().get(0).getNodeName());
    assertThat(n.getStatus().getConditions().get(0).getStatus()).isSameAs(n.getStatus().getConditions().get(1).getStatus());
    assertThat(s.getAddressType()).isSameAs(CompactObjects.slice(slice()).getAddressType());
  }

  private static String keyOf(Map<String, String> m, String key) {
    return m.keySet().stream().filter(key::equals).findFirst().orElseThrow();
  }

  @Test
  void nullKeysAndValuesAreDroppedAndDoNotStopTheViews() {
    Service svc = service();
    Map<String, String> annotations = new LinkedHashMap<>(svc.getMetadata().getAnnotations());
    annotations.put("metallb.io/address-pool", null);
    annotations.put(null, "x");
    svc.getMetadata().setAnnotations(annotations);
    EndpointSlice slice = slice();
    Map<String, String> labels = new LinkedHashMap<>(slice.getMetadata().getLabels());
    labels.put("service.kubernetes.io/headless", null);
    slice.getMetadata().setLabels(labels);
    // The views of the uncompacted objects, which skip null label and annotation values themselves.
    ServiceView fullView = Views.service(LeanItemStore.trim(svc));
    var fullSlice = List.of(Views.serviceOf(slice), Views.endpoints(slice));
    // A null address made the view throw (EndpointView copies the list); compacted, it is dropped.
    slice.getEndpoints().get(0).setAddresses(new ArrayList<>(java.util.Arrays.asList("10.244.1.17", null)));

    CompactObjects.service(svc);
    CompactObjects.slice(slice);

    assertThat(svc.getMetadata().getAnnotations()).doesNotContainKey("metallb.io/address-pool").hasSize(3);
    assertThat(slice.getMetadata().getLabels()).doesNotContainKey("service.kubernetes.io/headless");
    assertThat(slice.getEndpoints().get(0).getAddresses()).containsExactly("10.244.1.17");
    assertThat(Views.service(svc)).isEqualTo(fullView);
    assertThat(List.of(Views.serviceOf(slice), Views.endpoints(slice))).isEqualTo(fullSlice);
  }

  @Test
  void compactingTwiceChangesNothingMore() {
    Service once = CompactObjects.service(service());
    EndpointSlice sliceOnce = CompactObjects.slice(slice());
    Node nodeOnce = CompactObjects.node(node());

    assertThat(CompactObjects.service(CompactObjects.service(service()))).isEqualTo(once);
    assertThat(CompactObjects.slice(CompactObjects.slice(slice()))).isEqualTo(sliceOnce);
    assertThat(CompactObjects.node(CompactObjects.node(node()))).isEqualTo(nodeOnce);
  }

  @Test
  void theStoreCachesTheSameInstanceCompacted() {
    var store = new LeanItemStore<Service>();
    Service svc = service();

    store.put(store.getKey(svc), svc);

    assertThat(store.get("shop/web")).isSameAs(svc);
    assertThat(svc.getSpec().getClusterIP()).isNull();
    assertThat(svc.getMetadata().getManagedFields()).isNull();
    assertThat(svc.getAdditionalProperties()).isSameAs(Map.of());
  }

  @Test
  void otherKindsOnlyLoseManagedFieldsAndTheLastAppliedCopy() {
    GenericKubernetesResource pool = Objects8.metallb(ClusterInformers.POOLS, "public",
        Map.of("addresses", List.of("192.0.2.0/24"), "autoAssign", true));
    pool.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build()));
    pool.getMetadata().setCreationTimestamp("2024-05-14T09:12:44Z");
    pool.getMetadata().setLabels(new LinkedHashMap<>(Map.of("team", "net")));
    GenericKubernetesResource expected = Objects8.metallb(ClusterInformers.POOLS, "public",
        Map.of("addresses", List.of("192.0.2.0/24"), "autoAssign", true));
    expected.getMetadata().setManagedFields(List.of());
    expected.getMetadata().setCreationTimestamp("2024-05-14T09:12:44Z");
    expected.getMetadata().setLabels(Map.of("team", "net"));
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("metallb-system").withName("config")
        .withCreationTimestamp("2024-05-14T09:12:44Z").addToAnnotations(LeanItemStore.LAST_APPLIED, "{}")
        .addToAnnotations("owner", "ops").endMetadata().addToData("config", "address-pools: []").build();
    ConfigMap cmExpected = new ConfigMapBuilder(cm).editMetadata().withAnnotations(Map.of("owner", "ops")).endMetadata().build();

    var pools = new LeanItemStore<GenericKubernetesResource>();
    pools.put(pools.getKey(pool), pool);
    var maps = new LeanItemStore<ConfigMap>();
    maps.put(maps.getKey(cm), cm);

    assertThat(pools.get("metallb-system/public")).isEqualTo(expected);
    assertThat(pool.getAdditionalProperties()).containsKey("spec");
    assertThat(maps.get("metallb-system/config")).isEqualTo(cmExpected);
    assertThat(cm.getMetadata().getCreationTimestamp()).isNotNull();
  }

  /**
   * Collects every fabric8 model object and every collection reachable from {@code o} through its
   * public getters.
   */
  private static void walk(Object o, List<Object> models, List<Object> collections, Map<Object, Boolean> seen) {
    if (o == null || seen.put(o, true) != null) return;
    if (o instanceof List<?> l) {
      collections.add(l);
      l.forEach(e -> walk(e, models, collections, seen));
      return;
    }
    if (o instanceof Map<?, ?> m) {
      collections.add(m);
      m.values().forEach(v -> walk(v, models, collections, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
    models.add(o);
    for (Method g : o.getClass().getMethods()) {
      if (g.getParameterCount() != 0 || Modifier.isStatic(g.getModifiers()) || !g.getName().startsWith("get")
          || g.getName().equals("getAdditionalProperties") || g.getDeclaringClass() == Object.class
          || g.getReturnType().isPrimitive() || g.isDefault()) {
        continue;
      }
      try {
        walk(g.invoke(o), models, collections, seen);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new AssertionError(g.toString(), e);
      }
    }
  }

  private static Object additionalProperties(Object model) {
    try {
      return model.getClass().getMethod("getAdditionalProperties").invoke(model);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(model.getClass().getName(), e);
    }
  }
}
