package io.herald.k8s.watcher;

import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest cluster state as views, read by the watcher when it evaluates a Service. Reads are
 * in-memory and never block; implementations convert from their caches on each call, so a read
 * always sees the newest objects.
 */
public interface ServiceSource {

  Optional<ServiceView> service(ServiceKey key);

  /** The endpoints of every EndpointSlice of the Service. */
  List<EndpointView> endpoints(ServiceKey key);

  /** Every Node, by name. */
  Map<String, NodeView> nodes();

  ConfigView config();

  /** Every Service currently known (for a full resync). */
  Collection<ServiceKey> services();
}
