package io.herald.k8s.informer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.herald.k8s.model.ServiceKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SliceStoreTest {
  private static final ServiceKey WEB = new ServiceKey("default", "web");
  private static final ServiceKey API = new ServiceKey("default", "api");

  private static EndpointSlice slice(String name, String service) {
    var b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name);
    if (service != null) b = b.withLabels(Map.of("kubernetes.io/service-name", service));
    return b.endMetadata().withAddressType("IPv4").build();
  }

  private static List<String> names(List<EndpointSlice> slices) {
    return slices.stream().map(s -> s.getMetadata().getName()).sorted().toList();
  }

  private static void put(SliceStore store, EndpointSlice s) {
    store.put(store.getKey(s), s);
  }

  @Test
  void findsEverySliceOfAServiceAndFollowsRelabelsAndRemovals() {
    SliceStore store = new SliceStore();
    put(store, slice("web-a", "web"));
    put(store, slice("web-b", "web"));
    put(store, slice("api-a", "api"));
    put(store, slice("orphan", null));
    assertEquals(List.of("web-a", "web-b"), names(store.slicesOf(WEB)));
    assertEquals(List.of("api-a"), names(store.slicesOf(API)));

    // An update with the same Service keeps one entry; a relabelled slice moves.
    put(store, slice("web-a", "web"));
    put(store, slice("web-b", "api"));
    assertEquals(List.of("web-a"), names(store.slicesOf(WEB)));
    assertEquals(List.of("api-a", "web-b"), names(store.slicesOf(API)));

    store.remove("default/web-a");
    store.remove("default/api-a");
    assertEquals(List.of(), store.slicesOf(WEB));
    assertEquals(List.of("web-b"), names(store.slicesOf(API)));
    assertEquals(2, store.size());
    assertEquals(List.of(), store.slicesOf(new ServiceKey("other", "web")));
  }
}
