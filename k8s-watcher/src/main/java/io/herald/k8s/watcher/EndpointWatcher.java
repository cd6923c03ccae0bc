package io.herald.k8s.watcher;

import io.herald.k8s.decision.AnnouncePolicy;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Turns "something changed" into announce decisions for one node.
 *
 * <p>Informer callbacks only send {@link ServiceDirty} or {@link AllDirty}. Dirty keys are
 * coalesced in sets; a {@code Drain} message evaluates them in batches against the latest views
 * of the {@link ServiceSource}, so a burst of changes to one Service costs one evaluation, and
 * since the actor evaluates one key at a time no two evaluations of a key overlap. A change that
 * arrives while a batch runs marks its key dirty again and is picked up by the next batch. Keys
 * marked one by one go before those of a full resync ({@link AllDirty}), so a single change waits
 * at most one batch, not a whole resync. A {@link ServiceDecision} is published only when it
 * differs from the last one published for the key.
 */
public final class EndpointWatcher extends AbstractBehavior<EndpointWatcher.Command> {

  /** Keys evaluated per Drain, so that dirty marks interleave with long resyncs. */
  static final int BATCH = 512;

  public sealed interface Command permits ServiceDirty, AllDirty, CachesSynced, Drain, GetStats {}

  /** The inputs of one Service changed. */
  public record ServiceDirty(ServiceKey key) implements Command {}

  /** Inputs of every Service changed (Nodes, configuration), or a full resync is wanted. */
  public enum AllDirty implements Command {
    INSTANCE
  }

  /** The informers have listed once: evaluation may begin. */
  public enum CachesSynced implements Command {
    INSTANCE
  }

  private enum Drain implements Command {
    INSTANCE
  }

  /** Asks for counters, for tests and metrics. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /** Counters since start. */
  public record Stats(long dirtyMarks, long evaluations, long published, int pending) {}

  private final ServiceSource source;
  private final AnnounceSettings settings;
  private final ActorRef<ServiceDecision> publishTo;
  private final LinkedHashSet<ServiceKey> dirty = new LinkedHashSet<>();
  /** Keys of full resyncs: evaluated after {@link #dirty}. */
  private final LinkedHashSet<ServiceKey> resync = new LinkedHashSet<>();
  private final Map<ServiceKey, ServiceDecision> published = new HashMap<>();
  private boolean drainQueued;
  private boolean synced;
  private long dirtyMarks;
  private long evaluations;
  private long publishedCount;

  public static Behavior<Command> create(
      ServiceSource source, AnnounceSettings settings, ActorRef<ServiceDecision> publishTo) {
    return Behaviors.setup(ctx -> new EndpointWatcher(ctx, source, settings, publishTo));
  }

  /** A sink for informer callbacks that tells {@code watcher}; telling never blocks. */
  public static DirtySink sink(ActorRef<Command> watcher) {
    return new DirtySink() {
      @Override
      public void serviceDirty(ServiceKey key) {
        watcher.tell(new ServiceDirty(key));
      }

      @Override
      public void allDirty() {
        watcher.tell(AllDirty.INSTANCE);
      }

      @Override
      public void synced() {
        watcher.tell(CachesSynced.INSTANCE);
      }
    };
  }

  private EndpointWatcher(
      ActorContext<Command> ctx, ServiceSource source, AnnounceSettings settings, ActorRef<ServiceDecision> publishTo) {
    super(ctx);
    this.source = source;
    this.settings = settings;
    this.publishTo = publishTo;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ServiceDirty.class, this::onServiceDirty)
        .onMessageEquals(AllDirty.INSTANCE, this::onAllDirty)
        .onMessageEquals(CachesSynced.INSTANCE, this::onCachesSynced)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessage(GetStats.class, this::onGetStats)
        .build();
  }

  private Behavior<Command> onServiceDirty(ServiceDirty msg) {
    dirtyMarks++;
    dirty.add(msg.key());
    queueDrain();
    return this;
  }

  private Behavior<Command> onCachesSynced() {
    synced = true;
    return onAllDirty();
  }

  private Behavior<Command> onAllDirty() {
    dirtyMarks++;
    if (!synced) return this;
    resync.addAll(source.services());
    // Services that vanished while unseen still need their withdrawal published.
    resync.addAll(published.keySet());
    queueDrain();
    return this;
  }

  private Behavior<Command> onDrain() {
    drainQueued = false;
    // Nodes and configuration are read once per batch: they are the same for every key in it.
    Map<String, NodeView> nodes = source.nodes();
    ConfigView config = source.config();
    int done = 0;
    for (Iterator<ServiceKey> it = dirty.iterator(); done < BATCH && it.hasNext(); done++) {
      ServiceKey key = it.next();
      it.remove();
      // Evaluated now against the latest state: the resync has nothing left to do for it.
      resync.remove(key);
      evaluate(key, nodes, config);
    }
    for (Iterator<ServiceKey> it = resync.iterator(); done < BATCH && it.hasNext(); done++) {
      ServiceKey key = it.next();
      it.remove();
      evaluate(key, nodes, config);
    }
    if (!dirty.isEmpty() || !resync.isEmpty()) queueDrain();
    return this;
  }

  private void evaluate(ServiceKey key, Map<String, NodeView> nodes, ConfigView config) {
    evaluations++;
    var svc = source.service(key);
    ServiceDecision d =
        AnnouncePolicy.decide(key, svc, svc.isPresent() ? source.endpoints(key) : java.util.List.of(), nodes, config, settings);
    ServiceDecision last = published.get(key);
    if (d.equals(last)) return;
    if (svc.isEmpty()) {
      // Gone: publish the withdrawal once if anything was published, then forget the key.
      if (last == null) return;
      published.remove(key);
    } else {
      published.put(key, d);
    }
    publishedCount++;
    publishTo.tell(d);
  }

  private Behavior<Command> onGetStats(GetStats msg) {
    msg.replyTo().tell(new Stats(dirtyMarks, evaluations, publishedCount, dirty.size() + resync.size()));
    return this;
  }

  private void queueDrain() {
    if (synced && !drainQueued) {
      drainQueued = true;
      getContext().getSelf().tell(Drain.INSTANCE);
    }
  }
}
