package io.herald.node.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.allocator.config.HeraldConfig;
import io.herald.k8s.event.EventSources;
import io.herald.k8s.informer.ClusterInformers;
import io.herald.k8s.informer.InformerStartException;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.watcher.DecisionConsumers;
import io.herald.k8s.watcher.DirtySink;
import io.herald.k8s.watcher.EndpointWatcher;
import io.herald.k8s.write.AnnouncementStatusWriter;
import io.herald.k8s.write.ConfigurationStateWriter;
import io.herald.k8s.write.EventRecorder;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.k8s.write.WriteTurn;
import io.herald.node.HeraldNode;
import io.herald.node.Readiness;
import io.herald.node.l2.L2Membership;
import io.herald.node.l2.L2Speaker;
import io.herald.k8s.watcher.ServiceSource;
import java.util.Set;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a running {@link HeraldNode} to a Kubernetes API: the watcher's informers feed the
 * {@link AllocationController} (IPs, Service status, controller Events) and the {@link
 * AnnouncementFeed} (BGP announcements, {@code nodeAssigned}, ServiceBGPStatus); the cluster's
 * configuration, once it holds one, replaces the node's {@code --config} file's, and each
 * validation of it is written to this node's {@code ConfigurationState} ({@code speaker-NODE}).
 * Built by {@link #start}, which blocks until the informers have synced; closed on shutdown.
 */
public final class ClusterWiring implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterWiring.class);

  /** Minimum interval between writes of one aggregated Event, as client-go's recorder. */
  static final Duration EVENT_INTERVAL = Duration.ofSeconds(1);

  /** The longest an Event or per-node status write waits for Service status writes, each time. */
  static final Duration STATUS_FIRST_MAX_WAIT = Duration.ofSeconds(1);

  private final ClusterInformers informers;
  private final AllocationController controller;
  private final ServiceStatusWriter statusWriter;
  private final AnnouncementStatusWriter announcementStatus;
  private final EventRecorder controllerEvents;
  private final EventRecorder speakerEvents;
  private final ConfigurationStateWriter configState;

  private ClusterWiring(ClusterInformers informers, AllocationController controller, ServiceStatusWriter statusWriter, AnnouncementStatusWriter announcementStatus,
      EventRecorder controllerEvents, EventRecorder speakerEvents, ConfigurationStateWriter configState) {
    this.informers = informers;
    this.controller = controller;
    this.statusWriter = statusWriter;
    this.announcementStatus = announcementStatus;
    this.controllerEvents = controllerEvents;
    this.speakerEvents = speakerEvents;
    this.configState = configState;
  }

  /** {@link #start(HeraldNode, KubernetesClient, ClusterInformers.Settings, EventSources)} with MetalLB's Event sources. */
  public static ClusterWiring start(HeraldNode node, KubernetesClient client, ClusterInformers.Settings settings) {
    return start(node, client, settings, EventSources.METALLB);
  }

  /**
   * Starts reading the cluster for {@code node}: informers (waiting up to the settings' timeout),
   * the configuration, the watcher, the allocation controller. Marks {@link
   * Readiness#INFORMERS_SYNCED} once the caches are synced and the start-up allocation is under way.
   *
   * @throws InformerStartException when the informers do not sync (one clear line for the user)
   */
  public static ClusterWiring start(HeraldNode node, KubernetesClient client, ClusterInformers.Settings settings,
      EventSources sources) {
    node.readiness().require(Readiness.INFORMERS_SYNCED);
    var system = node.system();
    String nodeName = node.settings().nodeName();
    Optional<String> lbClass = node.settings().loadBalancerClass();
    // The node's --config file stays in force until the cluster holds MetalLB configuration of its own.
    ClusterInformers informers = ClusterInformers.create(client, settings).fileConfig(node.config());
    var statusWriter = new ServiceStatusWriter(client);
    // Addresses first: in a burst, Events and the per-node status objects wait for the Service
    // statuses (a second at most each time), then follow.
    WriteTurn afterStatus = statusWriter.firstTurn(STATUS_FIRST_MAX_WAIT);
    var controllerEvents = new EventRecorder(client, Clock.systemUTC(), "", EVENT_INTERVAL).turn(afterStatus);
    var speakerEvents = new EventRecorder(client, Clock.systemUTC(), nodeName, EVENT_INTERVAL).turn(afterStatus);
    var announcementStatus = new AnnouncementStatusWriter(client, settings.metallbNamespace(), nodeName).turn(afterStatus);
    announcementStatus.adopt();
    var configState = new ConfigurationStateWriter(client,
        ConfigurationStateWriter.Target.speaker(settings.metallbNamespace(), nodeName), Optional.of(speakerEvents),
        sources.speaker(), Clock.systemUTC());

    ActorRef<AnnouncementFeed.Command> feed = system.systemActorOf(
        AnnouncementFeed.create(nodeName, informers, node.announcements(), speakerEvents, sources.speaker(),
            announcementStatus, owned -> node.l2().tell(new L2Speaker.SetOwned(owned))),
        "k8s-announcement-feed", Props.empty());
    var decisions = system.systemActorOf(DecisionConsumers.create(d -> feed.tell(new AnnouncementFeed.Decided(d))),
        "k8s-decisions", Props.empty());
    // The Layer 2 candidates are the nodes with a live, reachable Herald member (MetalLB's
    // memberlist); this node itself always stays in, as BGP decides on it alone.
    AtomicReference<Set<String>> live = new AtomicReference<>(Set.of());
    ServiceSource liveNodes = new LiveNodeSource(informers, nodeName, live::get);
    ActorRef<EndpointWatcher.Command> watcher = system.systemActorOf(
        EndpointWatcher.create(liveNodes, new AnnounceSettings(nodeName, lbClass, false), decisions),
        "k8s-endpoint-watcher",
        Props.empty());

    Cluster cluster = Cluster.get(system);
    String self = cluster.selfMember().address().toString();
    // The controller reads the watcher's Service cache: one informer, so one copy of each Service.
    var controller = new AllocationController(informers.serviceCache(), node.allocations(), informers::namespaceLabels, statusWriter,
        controllerEvents, sources.controller(), lbClass, upMembers(cluster), self);

    // Every validation of the cluster's configuration, valid or not, as MetalLB's ConfigurationState.
    informers.onConfigChange(state -> configState.write(state.status()));

    // Each valid cluster configuration replaces the node's (pools first, in the IP owner); then
    // every Service is converged again, as MetalLB's controller does after a config change.
    AtomicReference<CompletableFuture<String>> lastApply = new AtomicReference<>(CompletableFuture.completedFuture(""));
    informers.onConfigChange(state -> state.current().ifPresent(loaded -> {
      HeraldConfig next = loaded.config();
      if (next.equals(node.config())) return;
      lastApply.set(node.applyConfig(next).toCompletableFuture().whenComplete((refusal, e) -> {
        if (e != null) log.warn("cluster configuration not applied: {}", e.toString());
        else if (refusal.isEmpty()) controller.resyncAll();
      }));
    }));

    DirtySink toWatcher = EndpointWatcher.sink(watcher);
    L2Membership.watch(system, "k8s-l2-membership", nodes -> {
      live.set(nodes);
      toWatcher.allDirty();
    });
    DirtySink sink = new DirtySink() {
      @Override
      public void serviceDirty(ServiceKey key) {
        toWatcher.serviceDirty(key);
        feed.tell(new AnnouncementFeed.ServiceChanged(key));
      }

      @Override
      public void allDirty() {
        toWatcher.allDirty();
        feed.tell(AnnouncementFeed.NodesChanged.INSTANCE);
      }

      @Override
      public void synced() {
        toWatcher.synced();
        feed.tell(AnnouncementFeed.NodesChanged.INSTANCE);
      }
    };
    try {
      // Returns once every informer, the Services' included, has listed: the controller's
      // handler was added before, so it has seen each Service.
      informers.start(sink);
      // Allocate with the cluster's pools, not the ones given on the command line.
      lastApply.get().get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
      awaitUp(cluster, settings.startTimeout());
    } catch (InformerStartException e) {
      close(informers, controller, statusWriter, announcementStatus, configState, controllerEvents,
          speakerEvents);
      throw e;
    } catch (Exception e) {
      close(informers, controller, statusWriter, announcementStatus, configState, controllerEvents,
          speakerEvents);
      throw new InformerStartException("cluster configuration not applied: " + e, e);
    }
    controller.start();
    // Membership decides which node writes each Service's status: converge again on change.
    var members = system.systemActorOf(Behaviors.<ClusterEvent.MemberEvent>receive((ctx, m) -> {
      controller.resyncAll();
      return Behaviors.same();
    }), "k8s-membership", Props.empty());
    cluster.subscriptions().tell(Subscribe.create(members, ClusterEvent.MemberEvent.class));
    node.readiness().set(Readiness.INFORMERS_SYNCED, true);
    log.info("reading the cluster: {} Services, configuration {}", informers.services().size(),
        informers.configStatus().result());
    configState.write(informers.configStatus());
    return new ClusterWiring(informers, controller, statusWriter, announcementStatus, controllerEvents,
        speakerEvents, configState);
  }

  /**
   * The addresses of the Up (and WeaklyUp) members, read again only when the cluster's state is a
   * new one: the controller asks for every Service it decides, and the state changes rarely.
   */
  private static Supplier<Collection<String>> upMembers(Cluster cluster) {
    AtomicReference<Map.Entry<ClusterEvent.CurrentClusterState, List<String>>> last = new AtomicReference<>();
    return () -> {
      ClusterEvent.CurrentClusterState state = cluster.state();
      Map.Entry<ClusterEvent.CurrentClusterState, List<String>> known = last.get();
      if (known != null && known.getKey() == state) return known.getValue();
      List<String> up = StreamSupport.stream(state.getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())
          .map(m -> m.address().toString())
          .toList();
      last.set(Map.entry(state, up));
      return up;
    };
  }

  /** Ownership is computed over Up members: wait until this node is one (it joins within seconds). */
  private static void awaitUp(Cluster cluster, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static void close(AutoCloseable... all) {
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("close: {}", e.toString());
      }
    }
  }

  /** For tests: every queued Event written. */
  public void drainEvents() throws InterruptedException {
    controllerEvents.drain();
    speakerEvents.drain();
  }

  @Override
  public void close() {
    close(controller, informers, statusWriter, announcementStatus, configState, controllerEvents,
        speakerEvents);
  }
}
