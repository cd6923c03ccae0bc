package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.List;
import java.util.Optional;

/**
 * The Services one informer caches, for every reader that needs the objects themselves (the
 * allocation controller reads their spec, annotations and status). Readers share the cache and
 * its watch connection instead of keeping a second copy of every Service.
 *
 * <p>The objects are the informer's own: readers must not change them.
 */
public interface ServiceCache {

  /** The cached Service {@code namespace/name}, if any. */
  Optional<Service> get(String namespace, String name);

  /** Every cached Service. */
  List<Service> list();

  /** The keys ({@code namespace/name}) of every cached Service. */
  List<String> keys();

  /**
   * Calls {@code handler} on every change. Added before the informer starts, it also sees each
   * listed Service as an add; the informer's start returns once that list is cached.
   */
  void addEventHandler(ResourceEventHandler<? super Service> handler);
}
