package io.herald.node;

import com.typesafe.config.Config;
import io.herald.allocator.config.HeraldConfig;
import io.herald.node.ip.IpOwnerEntity;
import io.herald.node.ip.ServiceAllocations;
import io.herald.node.ip.ShardedServiceAllocations;
import io.herald.node.announce.NodeAnnouncements;
import io.herald.node.l2.L2Counters;
import io.herald.node.l2.L2Interfaces;
import io.herald.node.l2.L2Speaker;
import io.herald.protocol.netty.BgpTransport;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Herald node: a Pekko Cluster member that hosts its share of the IP owner entities, drives
 * this node's BGP sessions and serves the management HTTP API. Built by {@link #start}; stopped by
 * CoordinatedShutdown (SIGTERM, {@link #stop}, or being downed by the split-brain resolver).
 */
public final class HeraldNode {
  private static final Logger log = LoggerFactory.getLogger(HeraldNode.class);

  private final NodeSettings settings;
  private volatile HeraldConfig config;
  private volatile boolean configStale;
  private final ActorSystem<Void> system;
  /** See {@link #whenStopped}. */
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();
  private final ServiceAllocations allocations;
  private final Readiness readiness = new Readiness();
  private final BgpTransport transport;
  private final ActorRef<NodeAnnouncements.Command> announcements;
  private final L2Counters l2Counters = new L2Counters();
  private final ActorRef<L2Speaker.Command> l2;

  private HeraldNode(NodeSettings settings, HeraldConfig config, ActorSystem<Void> system, BgpTransport transport) {
    this.settings = settings;
    this.config = config;
    this.system = system;
    this.transport = transport;
    Optional<Inet4Address> address = settings.bind().getAddress() instanceof Inet4Address a4
        ? Optional.of(a4) : Optional.empty();
    this.announcements = system.systemActorOf(NodeAnnouncements.create(settings.nodeName(), settings.nodeLabels(),
        address, transport, config), "announcements", Props.empty());
    this.l2 = system.systemActorOf(L2Speaker.create(l2Counters, L2Interfaces.DEFAULT_EXCLUDES, true), "l2-speaker",
        Props.empty());
    Config c = system.settings().config();
    this.allocations = new ShardedServiceAllocations(system, IpOwnerEntity.entityId(settings.loadBalancerClass()),
        c.getDuration("herald.ask-timeout"), c.getInt("herald.ask-attempts"));
  }

  /**
   * Starts the node: creates the journal tables if missing, joins the cluster, starts sharding
   * and the management HTTP server. Blocks until the journal and HTTP server are ready (it runs
   * on the caller's thread, never in an actor).
   *
   * @param overrides HOCON laid over everything else (tests tune timeouts here)
   */
  public static HeraldNode start(NodeSettings settings, HeraldConfig config, Config overrides) {
    Config conf = NodeConfig.of(settings, overrides);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeSettings.SYSTEM_NAME, conf);
    try {
      SchemaUtils.createIfNotExists(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
      ClusterSharding.get(system).init(Entity.of(IpOwnerEntity.ENTITY_TYPE_KEY,
          ctx -> IpOwnerEntity.create(ctx.getEntityId(), () -> NodeRegistry.get(system).node()
              .map(n -> n.config().pools()).orElse(config.pools()))));
      HeraldNode node = new HeraldNode(settings, config, system, new BgpTransport());
      node.readiness.set(Readiness.CONFIG_LOADED, true);
      NodeRegistry.get(system).register(node);
      node.addShutdownTasks();
      PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      node.join();
      scheduleHeapTrim(system);
      log.info("node {} started: cluster {} management http://{}:{}", settings.nodeName(),
          system.address(), settings.http().getAddress().getHostAddress(), settings.http().getPort());
      return node;
    } catch (Exception e) {
      system.terminate();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("node did not start: " + cause.getMessage(), cause);
    }
  }

  /** Every {@code herald.heap-trim.interval}, gives back a burst's heap once idle ({@link HeapTrim}). */
  private static void scheduleHeapTrim(ActorSystem<?> system) {
    var conf = system.settings().config().getConfig("herald.heap-trim");
    Duration interval = conf.getDuration("interval");
    if (interval.isZero()) return;
    var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    var collectors = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
    java.util.function.LongSupplier collections =
        () -> collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionCount())).sum();
    HeapTrim trim = new HeapTrim(conf.getBytes("min-growth"), memory.getHeapMemoryUsage().getCommitted());
    system.scheduler().scheduleAtFixedRate(interval, interval, () -> {
      long before = memory.getHeapMemoryUsage().getCommitted();
      if (!trim.check(before, collections.getAsLong())) return;
      System.gc();
      long after = memory.getHeapMemoryUsage().getCommitted();
      trim.trimmed(after, collections.getAsLong());
      log.debug("idle heap trim: {} MB committed before, {} MB after", before >> 20, after >> 20);
    }, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  private void join() {
    Cluster cluster = Cluster.get(system);
    if (settings.bootstrap().isPresent()) {
      // Discovers the other pods through the Kubernetes API and joins or forms the cluster.
      org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap.get(system).start();
    } else if (settings.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      List<Address> seeds = settings.seedNodes().stream()
          .map(a -> org.apache.pekko.actor.AddressFromURIString.parse(NodeConfig.address(a)))
          .toList();
      cluster.manager().tell(new JoinSeedNodes(seeds));
    }
  }

  /**
   * SIGTERM and every other CoordinatedShutdown: before the cluster leave, drain BGP (graceful
   * shutdown community, drain time, withdraw, Cease 6/2); at the very end, release the event loops.
   */
  private void addShutdownTasks() {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    Duration drain = drainTime(system);
    String text = system.settings().config().getString("herald.shutdown-text");
    Duration timeout = drain.plusSeconds(8);
    cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "herald-bgp-drain",
        () -> AskPattern.<NodeAnnouncements.Command, Done>ask(announcements,
            replyTo -> new NodeAnnouncements.Drain(drain, text, replyTo), timeout, system.scheduler()));
    cs.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "herald-bgp-transport",
        () -> CompletableFuture.supplyAsync(() -> {
          transport.close();
          return Done.getInstance();
        }, system.dispatchers().lookup(DispatcherSelector.blocking())));
    system.getWhenTerminated().thenRun(() -> stopped.complete(Done.getInstance()));
    // The last phase terminates the actor system. Artery's TCP transport can stall in it when the
    // peers drop every packet (a node downed on the minority side of a partition): its outbound
    // control stream never completes, and neither does termination. By then everything Herald
    // does has stopped (sessions closed, shards and singletons gone), so the node counts as
    // stopped once that phase has had its time, as Pekko's own exit-jvm does.
    long deadlineMs = cs.timeout(CoordinatedShutdown.PhaseActorSystemTerminate()).toMillis() + 1000;
    cs.addTask(CoordinatedShutdown.PhaseActorSystemTerminate(), "herald-stop-deadline", () -> {
      CompletableFuture.delayedExecutor(deadlineMs, TimeUnit.MILLISECONDS).execute(() -> {
        if (stopped.complete(Done.getInstance())) {
          log.warn("the actor system had not terminated {} s after its last shutdown phase began; the node stops without it",
              deadlineMs / 1000);
        }
      });
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  /** Where the watcher sends this node's complete desired announcement set. */
  public ActorRef<NodeAnnouncements.Command> announcements() {
    return announcements;
  }

  /** Where the watcher sends this node's complete Layer 2 owned set. */
  public ActorRef<L2Speaker.Command> l2() {
    return l2;
  }

  /** The Layer 2 responder's counters, for {@code /metrics}. */
  public L2Counters l2Counters() {
    return l2Counters;
  }

  public NodeSettings settings() {
    return settings;
  }

  public HeraldConfig config() {
    return config;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Where the watcher asks for Service IPs. */
  public ServiceAllocations allocations() {
    return allocations;
  }

  /** The conditions behind {@code /ready}. */
  public Readiness readiness() {
    return readiness;
  }

  /**
   * True while the node runs on an older configuration because a newer one failed to load
   * (MetalLB's {@code config_stale}); the configuration is read once at start for now.
   */
  public boolean configStale() {
    return configStale;
  }

  /**
   * A new valid configuration (from the watcher's metallb.io informers): the IP owner gets the new
   * pools first; if it refuses them (an address in use would fall outside every pool), nothing
   * changes and the configuration is marked stale, as MetalLB does. Otherwise the peers and
   * advertisements are applied too. Completes with the refusal text, empty when applied.
   */
  public CompletionStage<String> applyConfig(HeraldConfig next) {
    return allocations.setPools(next.pools()).thenApply(reply -> {
      if (reply.applied()) {
        config = next;
        configStale = false;
        announcements.tell(new NodeAnnouncements.SetConfig(next));
      } else {
        configStale = true;
        log.warn("configuration not applied: {}", reply.refusal());
      }
      return reply.refusal();
    });
  }

  /** Runs CoordinatedShutdown: drain BGP, leave the cluster, stop. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }

  /** Completes once the ActorSystem has terminated. */
  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }

  /**
   * Completes once the ActorSystem has terminated, or at the latest a second after
   * CoordinatedShutdown's last phase ({@code actor-system-terminate}) timed out: what a process
   * waits for before it exits.
   */
  public CompletionStage<Done> whenStopped() {
    return stopped;
  }

  public static Duration drainTime(ActorSystem<?> system) {
    return system.settings().config().getDuration("herald.drain-time");
  }
}
