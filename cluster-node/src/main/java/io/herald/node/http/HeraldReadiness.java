package io.herald.node.http;

import io.herald.node.NodeRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Herald's readiness check for Pekko Management's {@code /ready}: true when the node has started
 * with a valid configuration and every condition in its {@link io.herald.node.Readiness} is met
 * (e.g. informers synced, once the watcher requires it).
 */
public final class HeraldReadiness implements Supplier<CompletionStage<Boolean>> {
  private final ActorSystem system;

  public HeraldReadiness(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    boolean ready = NodeRegistry.get(Adapter.toTyped(system)).node().map(n -> n.readiness().isReady()).orElse(false);
    return CompletableFuture.completedFuture(ready);
  }
}
