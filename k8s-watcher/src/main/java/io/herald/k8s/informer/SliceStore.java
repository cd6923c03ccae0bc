package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.herald.k8s.convert.Views;
import io.herald.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The EndpointSlice informer's store ({@link LeanItemStore}) with its own index from a Service
 * to the keys of its slices (label {@code kubernetes.io/service-name}).
 *
 * <p>An informer index would do the same, at a cost that matters by the ten thousand: it keeps a
 * concurrent map per Service, holding a second copy of the key. Here a Service has one map entry
 * and a small array of the store's own key strings. The informer's cache calls {@code put} and
 * {@code remove} under its lock, so the index changes with the store.
 */
final class SliceStore extends LeanItemStore<EndpointSlice> {
  private final Map<ServiceKey, String[]> byService = new ConcurrentHashMap<>();

  /** The cached slices of {@code service}. */
  List<EndpointSlice> slicesOf(ServiceKey service) {
    String[] keys = byService.get(service);
    if (keys == null) return List.of();
    List<EndpointSlice> out = new ArrayList<>(keys.length);
    for (String k : keys) {
      EndpointSlice s = get(k);
      if (s != null) out.add(s);
    }
    return out;
  }

  @Override
  public EndpointSlice put(String key, EndpointSlice obj) {
    EndpointSlice old = super.put(key, obj);
    Optional<ServiceKey> was = old == null ? Optional.empty() : Views.serviceOf(old);
    Optional<ServiceKey> now = Views.serviceOf(obj);
    if (!was.equals(now)) {
      was.ifPresent(s -> unlink(s, key));
      now.ifPresent(s -> link(s, key));
    }
    return old;
  }

  @Override
  public EndpointSlice remove(String key) {
    EndpointSlice old = super.remove(key);
    if (old != null) Views.serviceOf(old).ifPresent(s -> unlink(s, key));
    return old;
  }

  private void link(ServiceKey service, String key) {
    byService.compute(service, (s, keys) -> {
      if (keys == null) return new String[] {key};
      for (String k : keys) if (k.equals(key)) return keys;
      String[] more = Arrays.copyOf(keys, keys.length + 1);
      more[keys.length] = key;
      return more;
    });
  }

  private void unlink(ServiceKey service, String key) {
    byService.computeIfPresent(service, (s, keys) -> {
      String[] fewer = Arrays.stream(keys).filter(k -> !k.equals(key)).toArray(String[]::new);
      return fewer.length == 0 ? null : fewer;
    });
  }
}
