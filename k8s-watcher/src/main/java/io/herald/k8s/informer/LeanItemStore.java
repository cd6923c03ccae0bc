package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An informer's item store that drops, before an object is cached, the metadata Herald never
 * reads and that can outweigh the rest of the object: {@code metadata.managedFields} (server-side
 * apply's field ownership, sent on every object by API servers since Kubernetes 1.18) and the
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation (a full JSON copy of the
 * object that {@code kubectl apply} adds). MetalLB's and controller-runtime's caches drop
 * managedFields the same way.
 *
 * <p>Services, EndpointSlices and Nodes, held by the thousand, are cut down further to the fields
 * Herald reads ({@link CompactObjects}); other objects (Namespaces, ConfigMaps, the metallb.io
 * resources, whose every field is configuration) keep everything else.
 *
 * <p>The object is trimmed in place: it is the one the informer just decoded, and the event
 * handlers are given that same instance. Keys are the informer's default ({@code namespace/name},
 * or {@code name} for cluster-scoped objects).
 */
class LeanItemStore<T extends HasMetadata> implements ItemStore<T> {

  /** Written by {@code kubectl apply}; never read by Herald. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  /** Removes what Herald does not read from {@code obj}'s metadata; returns {@code obj}. */
  static <T extends HasMetadata> T trim(T obj) {
    ObjectMeta meta = obj.getMetadata();
    if (meta == null) return obj;
    if (meta.getManagedFields() != null && !meta.getManagedFields().isEmpty()) meta.setManagedFields(List.of());
    Map<String, String> annotations = meta.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      // A copy: the map may be unmodifiable, and the copy is sized for what stays.
      Map<String, String> kept = new LinkedHashMap<>(annotations);
      kept.remove(LAST_APPLIED);
      meta.setAnnotations(kept);
    }
    return obj;
  }

  @Override
  public String getKey(T obj) {
    return items.getKey(obj);
  }

  @Override
  public T put(String key, T obj) {
    return items.put(key, CompactObjects.compact(obj));
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet();
  }

  @Override
  public Stream<T> values() {
    return items.values();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }
}
