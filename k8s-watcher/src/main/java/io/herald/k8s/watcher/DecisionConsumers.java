package io.herald.k8s.watcher;

import io.herald.k8s.decision.ServiceDecision;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * An actor that hands each published decision to plain consumers in turn, e.g. the announcement
 * status writer and the speakers. Consumers must return at once (hand work to their own thread).
 */
public final class DecisionConsumers {

  private DecisionConsumers() {}

  @SafeVarargs
  public static Behavior<ServiceDecision> create(Consumer<ServiceDecision>... consumers) {
    List<Consumer<ServiceDecision>> all = List.of(consumers);
    return Behaviors.receive(ServiceDecision.class)
        .onMessage(ServiceDecision.class, d -> {
          all.forEach(c -> c.accept(d));
          return Behaviors.same();
        })
        .build();
  }
}
