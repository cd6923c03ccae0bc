package io.herald.node.ip;

import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * {@link ServiceAllocations} over the sharded {@link IpOwnerEntity}. Sharding delivers at most
 * once while a shard moves (a message can go to a region that just died), so every ask is retried
 * a bounded number of times; the entity's commands are idempotent, which makes that safe.
 */
public final class ShardedServiceAllocations implements ServiceAllocations {
  private final ActorSystem<?> system;
  private final EntityRef<IpOwnerEntity.Command> entity;
  private final Duration askTimeout;
  private final int attempts;
  private final ActorRef<AllocationBatcher.Command> batcher;

  public ShardedServiceAllocations(ActorSystem<?> system, String entityId, Duration askTimeout, int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    this.system = system;
    this.entity = ClusterSharding.get(system).entityRefFor(IpOwnerEntity.ENTITY_TYPE_KEY, entityId);
    this.askTimeout = askTimeout;
    this.attempts = attempts;
    this.batcher = system.systemActorOf(AllocationBatcher.create(
        requests -> ask(r -> new IpOwnerEntity.AllocateBatch(requests, r), IpOwnerEntity.StartUpReply::results)),
        // A loadBalancerClass may hold '/', which actor names do not: percent-encode it.
        "allocation-batcher-" + java.net.URLEncoder.encode(entityId, java.nio.charset.StandardCharsets.UTF_8),
        Props.empty());
  }

  @Override
  public CompletionStage<AllocationResult> allocate(ServiceRequest request) {
    CompletableFuture<AllocationResult> result = new CompletableFuture<>();
    batcher.tell(new AllocationBatcher.Submit(request, result));
    return result;
  }

  @Override
  public CompletionStage<List<AllocationResult>> startUp(Collection<ServiceRequest> requests) {
    List<ServiceRequest> copy = List.copyOf(requests);
    // One decision and one journal event per Service: 10,000 of them take seconds, and an ask that
    // times out is asked again (harmless, but the first answer is lost and the work done twice).
    return ask(r -> new IpOwnerEntity.StartUp(copy, r), IpOwnerEntity.StartUpReply::results,
        askTimeout.plus(PER_STARTUP_REQUEST.multipliedBy(copy.size())));
  }

  /** What the start-up ask's timeout grows by per Service. */
  static final Duration PER_STARTUP_REQUEST = Duration.ofMillis(1);

  @Override
  public CompletionStage<Boolean> release(ServiceKey service) {
    return ask(r -> new IpOwnerEntity.Release(service, r), IpOwnerEntity.ReleaseReply::released);
  }

  @Override
  public CompletionStage<IpOwnerEntity.SetPoolsReply> setPools(io.herald.allocator.pool.PoolSet pools) {
    return ask(r -> new IpOwnerEntity.SetPools(pools.pools(), r), Function.identity());
  }

  @Override
  public CompletionStage<IpOwnerEntity.Snapshot> snapshot() {
    return ask(IpOwnerEntity.GetSnapshot::new, Function.identity());
  }

  private <R, T> CompletionStage<T> ask(
      Function<ActorRef<R>, IpOwnerEntity.Command> command, Function<R, T> unwrap) {
    return ask(command, unwrap, askTimeout);
  }

  private <R, T> CompletionStage<T> ask(
      Function<ActorRef<R>, IpOwnerEntity.Command> command, Function<R, T> unwrap, Duration timeout) {
    return retry(() -> entity.ask(command::apply, timeout), attempts).thenApply(unwrap);
  }

  private <R> CompletionStage<R> retry(Supplier<CompletionStage<R>> call, int left) {
    CompletableFuture<R> out = new CompletableFuture<>();
    // An ask's stage runs every callback asynchronously, by default on the common pool, which with
    // one or two CPUs starts a new thread per callback (CompletableFuture's default executor): go on
    // on the actor system's dispatcher instead. Downstream stages chain on the plain future.
    call.get().whenCompleteAsync((v, err) -> {
      if (err == null) {
        out.complete(v);
      } else if (left <= 1) {
        out.completeExceptionally(err);
      } else {
        system.scheduler().scheduleOnce(Duration.ofMillis(100),
            () -> retry(call, left - 1).whenComplete((v2, e2) -> {
              if (e2 == null) {
                out.complete(v2);
              } else {
                out.completeExceptionally(e2);
              }
            }), system.executionContext());
      }
    }, system.executionContext());
    return out;
  }
}
