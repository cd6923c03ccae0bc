package io.herald.node.ip;

import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServiceRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Group commit for allocations on one node: while one batch is on its way to the IP owner (and
 * its journal write), new requests queue up and then go together as the next batch, in one
 * write. An idle node sends a single request at once, so latency stays one round trip; a burst
 * of thousands of Services costs a few writes instead of thousands. Node-local: its messages
 * never leave the JVM.
 */
final class AllocationBatcher extends AbstractBehavior<AllocationBatcher.Command> {
  static final int MAX_BATCH = 1000;

  sealed interface Command {}

  record Submit(ServiceRequest request, CompletableFuture<AllocationResult> result) implements Command {}

  private record BatchDone(List<Submit> batch, List<AllocationResult> results, Throwable failure) implements Command {}

  private final Function<List<ServiceRequest>, CompletionStage<List<AllocationResult>>> send;
  private final ArrayDeque<Submit> pending = new ArrayDeque<>();
  private boolean inFlight;

  private AllocationBatcher(ActorContext<Command> ctx,
      Function<List<ServiceRequest>, CompletionStage<List<AllocationResult>>> send) {
    super(ctx);
    this.send = send;
  }

  /** @param send asks the IP owner to converge a batch (with retries), results in request order */
  static Behavior<Command> create(Function<List<ServiceRequest>, CompletionStage<List<AllocationResult>>> send) {
    return Behaviors.setup(ctx -> new AllocationBatcher(ctx, send));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(BatchDone.class, this::onBatchDone)
        .build();
  }

  private Behavior<Command> onSubmit(Submit m) {
    pending.add(m);
    if (!inFlight) {
      flush();
    }
    return this;
  }

  private void flush() {
    List<Submit> batch = new ArrayList<>();
    while (!pending.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(pending.poll());
    }
    List<ServiceRequest> requests = batch.stream().map(Submit::request).toList();
    inFlight = true;
    getContext().pipeToSelf(send.apply(requests), (results, err) -> new BatchDone(batch, results, err));
  }

  private Behavior<Command> onBatchDone(BatchDone m) {
    for (int i = 0; i < m.batch().size(); i++) {
      Submit s = m.batch().get(i);
      if (m.failure() != null) {
        s.result().completeExceptionally(m.failure());
      } else {
        s.result().complete(m.results().get(i));
      }
    }
    inFlight = false;
    if (!pending.isEmpty()) {
      flush();
    }
    return this;
  }
}
