package io.herald.k8s.write;

/**
 * Called on a writer's thread before each of its requests: it may hold the thread back for a
 * while so that more urgent writes go first (see {@link ServiceStatusWriter#firstTurn}).
 */
@FunctionalInterface
public interface WriteTurn {
  /** Returns when this writer may send its request. */
  void await();

  /** Never waits. */
  WriteTurn NOW = () -> {};
}
