package io.herald.node;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Finds the {@link HeraldNode} of an ActorSystem: Pekko Management builds our route providers and
 * health checks by reflection, from the system alone.
 */
public final class NodeRegistry implements Extension {
  private static final ExtensionId<NodeRegistry> ID = new ExtensionId<>() {
    @Override
    public NodeRegistry createExtension(ActorSystem<?> system) {
      return new NodeRegistry();
    }
  };

  private volatile HeraldNode node;

  public static NodeRegistry get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  void register(HeraldNode n) {
    this.node = n;
  }

  public Optional<HeraldNode> node() {
    return Optional.ofNullable(node);
  }
}
