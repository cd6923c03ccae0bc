package io.herald.k8s.watcher;

import io.herald.k8s.model.ServiceKey;

/** Where informer callbacks report work. Implementations must return at once and never block. */
public interface DirtySink {

  /** Something that feeds the decision for {@code key} changed. */
  void serviceDirty(ServiceKey key);

  /** Something every Service depends on (a Node, the configuration) changed. */
  void allDirty();

  /**
   * Every cache has listed once. Until then decisions would be made on partial state (a Service
   * seen before its pool would be withdrawn), so the watcher holds its dirty keys until this call.
   */
  void synced();
}
