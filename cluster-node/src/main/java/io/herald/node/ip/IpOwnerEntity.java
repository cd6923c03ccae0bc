package io.herald.node.ip;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.Allocation;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.PoolUsage;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.node.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The single writer of every Service IP of one load-balancer class: a sharded, event-sourced
 * entity around the pure {@link Allocator}. Cluster Sharding keeps exactly one live instance per
 * entity id, and the split-brain resolver keeps exactly one side of a partition alive, so no two
 * nodes ever decide about the same address.
 *
 * <p>One entity covers every pool because MetalLB's rules cross pools: a Service moves between
 * pools when its annotation or a pool's {@code serviceAllocation} changes, pools are tried by
 * priority, and an address may be held only once over all of them. Splitting by pool would turn
 * each such decision into a distributed transaction (docs/cluster.md).
 *
 * <p>Every decision is persisted before the reply, so whoever writes a Service's status does so
 * only for an allocation that survives any crash. Commands are idempotent: allocating an
 * unchanged Service persists nothing and answers the same addresses, so callers retry freely
 * across a shard hand-over.
 */
public final class IpOwnerEntity
    extends EventSourcedBehaviorWithEnforcedReplies<IpOwnerEntity.Command, IpOwnerEntity.Event, IpOwnerEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "IpOwner");

  /** The entity id for Services without a loadBalancerClass. */
  public static final String DEFAULT_ID = "default";
  /** Prefix of the entity id of a loadBalancerClass, so that no class name can be taken for DEFAULT_ID. */
  static final String CLASS_ID_PREFIX = "class:";

  /** The entity that owns the IPs of Services of {@code loadBalancerClass} (empty: without a class). */
  public static String entityId(Optional<String> loadBalancerClass) {
    return loadBalancerClass.map(c -> CLASS_ID_PREFIX + c).orElse(DEFAULT_ID);
  }

  public sealed interface Command extends CborSerializable {}

  /** Converge one Service (create or update). */
  public record Allocate(ServiceRequest request, ActorRef<AllocateReply> replyTo) implements Command {}

  /**
   * Converge several Services in one journal write (group commit): the node batches the
   * allocations that arrive while the previous batch is being written. Results are in request order.
   */
  public record AllocateBatch(List<ServiceRequest> requests, ActorRef<StartUpReply> replyTo) implements Command {
    public AllocateBatch {
      requests = List.copyOf(requests);
    }
  }

  /** Converge many Services at start: those with addresses in status first, so none is stolen. */
  public record StartUp(List<ServiceRequest> requests, ActorRef<StartUpReply> replyTo) implements Command {
    public StartUp {
      requests = List.copyOf(requests);
    }
  }

  /** The Service is gone: free its addresses. */
  public record Release(ServiceKey service, ActorRef<ReleaseReply> replyTo) implements Command {}

  public record GetSnapshot(ActorRef<Snapshot> replyTo) implements Command {}

  /**
   * A new configuration's pools. Refused (and the old pools kept) if an address in use would fall
   * outside every new pool, as MetalLB does. Applied pools are persisted ({@link PoolsApplied}):
   * a restarted entity starts from its host's pools only until the journal says otherwise.
   */
  public record SetPools(List<IpPool> pools, ActorRef<SetPoolsReply> replyTo) implements Command {
    public SetPools {
      pools = List.copyOf(pools);
    }
  }

  /** {@code refusal} is empty when applied, else MetalLB's "new config not compatible" text. */
  public record SetPoolsReply(String refusal) implements CborSerializable {
    public boolean applied() {
      return refusal.isEmpty();
    }
  }

  public record AllocateReply(AllocationResult result) implements CborSerializable {}

  public record StartUpReply(List<AllocationResult> results) implements CborSerializable {
    public StartUpReply {
      results = List.copyOf(results);
    }
  }

  public record ReleaseReply(boolean released) implements CborSerializable {}

  /**
   * Every allocation and pool usage, and the cluster address of the node hosting the entity (to
   * tell a hand-over happened).
   */
  public record Snapshot(String host, List<Allocation> allocations, List<PoolUsage> pools, List<PoolSize> sizes)
      implements CborSerializable {
    public Snapshot {
      allocations = List.copyOf(allocations);
      pools = List.copyOf(pools);
      sizes = List.copyOf(sizes);
    }
  }

  /** A pool's usable addresses per family, as decimal strings (IPv6 pools exceed a long). */
  public record PoolSize(String pool, String ipv4, String ipv6) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  /**
   * {@code request}'s Service now holds {@code ips} from {@code pool}. The request is kept so a
   * replay converges with the same rules (pool annotation, sharing key, ports).
   */
  public record Allocated(ServiceRequest request, String pool, List<IpAddress> ips) implements Event {
    public Allocated {
      Objects.requireNonNull(request);
      Objects.requireNonNull(pool);
      ips = List.copyOf(ips);
    }
  }

  public record Released(ServiceKey service) implements Event {}

  /**
   * New pools were applied. Persisted so that a restarted entity allocates with the pools the
   * cluster last agreed on, not with whatever its new host was started with: replaying an
   * allocation against other pools could move a Service's address.
   */
  public record PoolsApplied(List<IpPool> pools) implements Event {
    public PoolsApplied {
      pools = List.copyOf(pools);
    }
  }

  /**
   * The allocator, rebuilt from the journal on every start. Mutable and never shared: only copies
   * ({@link Allocation} records) leave the entity.
   */
  public static final class State {
    final Allocator allocator;

    State(Allocator allocator) {
      this.allocator = allocator;
    }
  }

  private final ActorContext<Command> ctx;
  private final java.util.function.Supplier<PoolSet> pools;
  private final Optional<String> loadBalancerClass;

  private IpOwnerEntity(ActorContext<Command> ctx, PersistenceId id, java.util.function.Supplier<PoolSet> pools,
      Optional<String> lbClass) {
    super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.ctx = ctx;
    this.pools = pools;
    this.loadBalancerClass = lbClass;
  }

  /**
   * @param entityId {@link #entityId} of the loadBalancerClass this node is responsible for
   * @param pools the configured pools (every node loads the same configuration)
   */
  public static Behavior<Command> create(String entityId, PoolSet pools) {
    return create(entityId, () -> pools);
  }

  /** @param pools the hosting node's current pools, read whenever the entity (re)starts */
  public static Behavior<Command> create(String entityId, java.util.function.Supplier<PoolSet> pools) {
    Optional<String> lbClass = entityId.startsWith(CLASS_ID_PREFIX)
        ? Optional.of(entityId.substring(CLASS_ID_PREFIX.length())) : Optional.empty();
    return Behaviors.setup(ctx ->
        new IpOwnerEntity(ctx, PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId), pools, lbClass));
  }

  @Override
  public State emptyState() {
    return new State(new Allocator(pools.get(), loadBalancerClass));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Allocate.class, this::onAllocate)
        .onCommand(StartUp.class, this::onStartUp)
        .onCommand(AllocateBatch.class, this::onAllocateBatch)
        .onCommand(Release.class, this::onRelease)
        .onCommand(GetSnapshot.class, this::onGetSnapshot)
        .onCommand(SetPools.class, this::onSetPools)
        .build();
  }

  /*
   * The command handlers run the allocator first (it is the only place the rules live), then
   * persist what changed. The event handler applies the same event idempotently, so a live event
   * is a no-op and a replayed one rebuilds the allocator. A failed write stops the entity; its
   * restart replays the journal and forgets the unpersisted decision.
   */

  private ReplyEffect<Event, State> onAllocate(State s, Allocate c) {
    Optional<Allocation> before = s.allocator.allocation(c.request().key());
    AllocationResult result = s.allocator.allocate(c.request());
    Optional<Event> event = change(c.request(), before, s.allocator.allocation(c.request().key()));
    AllocateReply reply = new AllocateReply(result);
    if (event.isEmpty()) {
      return Effect().reply(c.replyTo(), reply);
    }
    return Effect().persist(event.get()).thenReply(c.replyTo(), st -> reply);
  }

  private ReplyEffect<Event, State> onStartUp(State s, StartUp c) {
    Map<ServiceKey, Optional<Allocation>> before = new HashMap<>();
    for (ServiceRequest r : c.requests()) {
      before.put(r.key(), s.allocator.allocation(r.key()));
    }
    List<AllocationResult> results = s.allocator.startUp(c.requests());
    List<Event> events = new ArrayList<>();
    for (ServiceRequest r : c.requests()) {
      change(r, before.get(r.key()), s.allocator.allocation(r.key())).ifPresent(events::add);
    }
    StartUpReply reply = new StartUpReply(results);
    if (events.isEmpty()) {
      return Effect().reply(c.replyTo(), reply);
    }
    return Effect().persist(events).thenReply(c.replyTo(), st -> reply);
  }

  private ReplyEffect<Event, State> onAllocateBatch(State s, AllocateBatch c) {
    List<AllocationResult> results = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (ServiceRequest r : c.requests()) {
      Optional<Allocation> before = s.allocator.allocation(r.key());
      results.add(s.allocator.allocate(r));
      change(r, before, s.allocator.allocation(r.key())).ifPresent(events::add);
    }
    StartUpReply reply = new StartUpReply(results);
    if (events.isEmpty()) {
      return Effect().reply(c.replyTo(), reply);
    }
    return Effect().persist(events).thenReply(c.replyTo(), st -> reply);
  }

  private ReplyEffect<Event, State> onRelease(State s, Release c) {
    if (!s.allocator.release(c.service())) {
      return Effect().reply(c.replyTo(), new ReleaseReply(false));
    }
    return Effect().persist(new Released(c.service())).thenReply(c.replyTo(), st -> new ReleaseReply(true));
  }

  private ReplyEffect<Event, State> onSetPools(State s, SetPools c) {
    boolean same = s.allocator.pools().pools().equals(c.pools());
    Allocator.PoolChange change = s.allocator.setPools(new PoolSet(c.pools()));
    String refusal = change instanceof Allocator.PoolChange.Refused r ? r.message() : "";
    SetPoolsReply reply = new SetPoolsReply(refusal);
    if (!refusal.isEmpty() || same) {
      return Effect().reply(c.replyTo(), reply);
    }
    return Effect().persist(new PoolsApplied(c.pools())).thenReply(c.replyTo(), st -> reply);
  }

  private ReplyEffect<Event, State> onGetSnapshot(State s, GetSnapshot c) {
    List<PoolUsage> usage = new ArrayList<>();
    List<PoolSize> sizes = new ArrayList<>();
    for (IpPool p : s.allocator.pools().pools()) {
      usage.add(s.allocator.usage(p.name()));
      sizes.add(new PoolSize(p.name(), p.capacity(io.herald.allocator.ip.IpFamily.IPV4).toString(),
          p.capacity(io.herald.allocator.ip.IpFamily.IPV6).toString()));
    }
    String host = ctx.getSystem().address().toString();
    return Effect().reply(c.replyTo(), new Snapshot(host, s.allocator.allocations(), usage, sizes));
  }

  private static Optional<Event> change(ServiceRequest request, Optional<Allocation> before, Optional<Allocation> after) {
    if (before.equals(after)) {
      return Optional.empty();
    }
    if (after.isEmpty()) {
      return Optional.of(new Released(request.key()));
    }
    return Optional.of(new Allocated(request, after.get().pool(), after.get().ips()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Allocated.class, this::applyAllocated)
        .onEvent(Released.class, (s, e) -> {
          s.allocator.release(e.service());
          return s;
        })
        .onEvent(PoolsApplied.class, (s, e) -> {
          // Live: already applied by the command. Replay: they were compatible when applied.
          if (!s.allocator.pools().pools().equals(e.pools())) {
            s.allocator.setPools(new PoolSet(e.pools()));
          }
          return s;
        })
        .build();
  }

  private State applyAllocated(State s, Allocated e) {
    ServiceKey key = e.request().key();
    Optional<Allocation> held = s.allocator.allocation(key);
    if (held.isPresent() && held.get().ips().equals(e.ips())) {
      return s;
    }
    // Replay: the recorded addresses become the status addresses the allocator honours first.
    s.allocator.release(key);
    AllocationResult r = s.allocator.allocate(withStatus(e.request(), e.ips()));
    Optional<Allocation> now = s.allocator.allocation(key);
    if (now.isEmpty() || !now.get().ips().equals(e.ips())) {
      // Only a configuration change since the event was written can get here.
      ctx.getLog().warn("replaying {}: recorded {} but the current pools give {}", key, e.ips(), r);
    }
    return s;
  }

  static ServiceRequest withStatus(ServiceRequest r, List<IpAddress> ips) {
    return new ServiceRequest(r.key(), r.labels(), r.namespaceLabels(), r.annotations(), r.loadBalancerClass(),
        r.loadBalancerIP(), r.ipFamilies(), r.ipFamilyPolicy(), r.ports(), r.externalTrafficPolicy(), r.selector(), ips);
  }
}
