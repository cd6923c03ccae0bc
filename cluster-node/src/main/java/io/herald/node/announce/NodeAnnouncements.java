package io.herald.node.announce;

import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.ip.IpAddress;
import io.herald.node.CborSerializable;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Prefix;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * This node's announcements: holds the complete desired set (one {@link ServiceAnnouncement} per
 * Service, from the watcher) and runs one {@link PeerSession} per BGPPeer selected for this node.
 * Each session's route set is kept by a pure {@link PeerRoutes}, which takes one Service's change
 * at a time; the routes that changed go to the session, which sends the router what differs from
 * what it already has. Nothing here passes over every Service for one Service's change.
 *
 * <p>Desired state only: the watcher sends either the whole set ({@link SetDesired}) or the
 * Services whose entry changed ({@link UpdateDesired}), never events to replay. A configuration
 * change restarts only the sessions whose peer settings changed (a removed peer gets Cease 6/3)
 * and plans every session's routes afresh.
 */
public final class NodeAnnouncements extends AbstractBehavior<NodeAnnouncements.Command> {

  public sealed interface Command {}

  /**
   * The complete desired announcement set of this node, replacing the previous one.
   *
   * @param applied told when this set is taken up to be planned, or replaced by a newer one before
   *     it was: a sender that waits for it before sending the next set copies the whole set only
   *     as often as it is planned
   */
  public record SetDesired(List<ServiceAnnouncement> services, Optional<ActorRef<DesiredApplied>> applied)
      implements Command {
    public SetDesired {
      services = List.copyOf(services);
      Objects.requireNonNull(applied, "applied");
    }

    public SetDesired(List<ServiceAnnouncement> services) {
      this(services, Optional.empty());
    }
  }

  /**
   * Changes to the desired set: the new entry of each Service in {@code set}, and no entry any
   * more for each of {@code removed}; the rest of the set stays as it is.
   *
   * @param applied as for {@link SetDesired}
   */
  public record UpdateDesired(List<ServiceAnnouncement> set, List<io.herald.allocator.pool.ServiceKey> removed,
      Optional<ActorRef<DesiredApplied>> applied) implements Command {
    public UpdateDesired {
      set = List.copyOf(set);
      removed = List.copyOf(removed);
      Objects.requireNonNull(applied, "applied");
    }
  }

  /** The reply to a {@link SetDesired} or {@link UpdateDesired} that asked for one. */
  public enum DesiredApplied {
    INSTANCE
  }

  /** A new valid configuration: peers and advertisements. */
  public record SetConfig(HeraldConfig config) implements Command {}

  /** This node's labels changed (peer and advertisement node selectors match them). */
  public record SetNodeLabels(Map<String, String> labels) implements Command {
    public SetNodeLabels {
      labels = Map.copyOf(labels);
    }
  }

  /**
   * Graceful shutdown (RFC 8326): re-announce every route with GRACEFUL_SHUTDOWN, wait
   * {@code drainTime} so routers move traffic away, then withdraw and close every session with
   * Cease 6/2 and {@code text}. Replies when every session is closed; later changes are ignored.
   */
  public record Drain(Duration drainTime, String text, ActorRef<Done> replyTo) implements Command {}

  /** Asked by the management API of any node (so it crosses nodes). */
  public record GetStatus(ActorRef<Status> replyTo) implements Command, CborSerializable {}

  /** Every node's announcer registers under this key, so any node can answer for all. */
  public static final ServiceKey<Command> STATUS_KEY = ServiceKey.create(Command.class, "herald-announcements");

  private record DrainElapsed() implements Command {}

  /** Applies the newest desired set, once the sets already queued behind it have been read. */
  private enum ApplyDesired implements Command {
    INSTANCE
  }

  private record SessionStopped(String peer, ActorRef<PeerSession.Command> ref) implements Command {}

  /** A read-only copy of this node's announcement state. */
  public record Status(String node, List<PeerStatus> peers, List<ServiceStatus> services, List<String> problems)
      implements CborSerializable {
    public Status {
      peers = List.copyOf(peers);
      services = List.copyOf(services);
      problems = List.copyOf(problems);
    }
  }

  /**
   * @param state the RFC 4271 §8 state name
   * @param since when the session entered that state (uptime when Established)
   * @param lastDown why the session last went down (with its NOTIFICATION), or empty
   */
  public record PeerStatus(String name, String address, int port, long asn, String state, Instant since,
      long prefixesAnnounced, long updatesSent, int routesDesired, String lastDown) implements CborSerializable {}

  /** @param advertisedTo the peers (Established) that carry a route for this Service's addresses */
  public record ServiceStatus(io.herald.allocator.pool.ServiceKey service, String pool, List<IpAddress> ips, boolean announce, String reason,
      List<String> advertisedTo) implements CborSerializable {
    public ServiceStatus {
      ips = List.copyOf(ips);
      advertisedTo = List.copyOf(advertisedTo);
    }
  }

  private static final class Session {
    final BgpPeer peer;
    final PeerConfig config;
    final ActorRef<PeerSession.Command> ref;
    final PeerTelemetry telemetry;
    /** The routes planned for this session, kept up to date per Service; all handed to it. */
    PeerRoutes planned;

    Session(BgpPeer peer, PeerConfig config, ActorRef<PeerSession.Command> ref, PeerTelemetry telemetry) {
      this.peer = peer;
      this.config = config;
      this.ref = ref;
      this.telemetry = telemetry;
    }
  }

  private final String nodeName;
  private final BgpTransport transport;
  private final Optional<Inet4Address> nodeAddress;
  private final TimerScheduler<Command> timers;
  private final Clock clock;
  private HeraldConfig config;
  private Map<String, String> nodeLabels;
  private final Map<io.herald.allocator.pool.ServiceKey, ServiceAnnouncement> desired = new TreeMap<>();
  /**
   * Changes not yet applied, by Service: the new entry, or null for none. Null when nothing is
   * waiting (then no ApplyDesired is queued).
   */
  private Map<io.herald.allocator.pool.ServiceKey, ServiceAnnouncement> pendingDesired;
  private Optional<ActorRef<DesiredApplied>> pendingApplied = Optional.empty();
  /** Planning takes at most a quarter of a core during a burst of sets (see {@link DutyCycle}). */
  private final DutyCycle planning = new DutyCycle(0.25);
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private int generation;
  private boolean draining;
  private Drain drain;
  private int stopping;

  private NodeAnnouncements(ActorContext<Command> ctx, TimerScheduler<Command> timers, String nodeName,
      Map<String, String> nodeLabels, Optional<Inet4Address> nodeAddress, BgpTransport transport,
      HeraldConfig config, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.nodeName = nodeName;
    this.nodeLabels = Map.copyOf(nodeLabels);
    this.nodeAddress = nodeAddress;
    this.transport = transport;
    this.clock = clock;
    this.config = config;
    ctx.getSystem().receptionist().tell(Receptionist.register(STATUS_KEY, ctx.getSelf()));
    reconcilePeers();
  }

  /**
   * @param nodeAddress this node's IPv4 address: the router id of peers that configure none
   * @param transport the process's one BGP transport (event loops), owned by the caller
   */
  public static Behavior<Command> create(String nodeName, Map<String, String> nodeLabels,
      Optional<Inet4Address> nodeAddress, BgpTransport transport, HeraldConfig config) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new NodeAnnouncements(ctx, timers, nodeName, nodeLabels, nodeAddress, transport, config, Clock.systemUTC())));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SetDesired.class, this::onSetDesired)
        .onMessage(UpdateDesired.class, this::onUpdateDesired)
        .onMessageEquals(ApplyDesired.INSTANCE, this::onApplyDesired)
        .onMessage(SetConfig.class, this::onSetConfig)
        .onMessage(SetNodeLabels.class, this::onSetNodeLabels)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainElapsed.class, this::onDrainElapsed)
        .onMessage(SessionStopped.class, this::onSessionStopped)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  /**
   * Takes a whole set as the changes that turn the current one (with the changes still waiting)
   * into it. Linear in the number of Services, like the copy its sender made.
   */
  private Behavior<Command> onSetDesired(SetDesired m) {
    Map<io.herald.allocator.pool.ServiceKey, ServiceAnnouncement> changes = new HashMap<>();
    for (var key : desired.keySet()) {
      changes.put(key, null);
    }
    if (pendingDesired != null) {
      for (var key : pendingDesired.keySet()) {
        changes.put(key, null);
      }
    }
    for (ServiceAnnouncement s : m.services()) {
      changes.put(s.service(), s);
    }
    return queueChanges(changes, m.applied());
  }

  private Behavior<Command> onUpdateDesired(UpdateDesired m) {
    Map<io.herald.allocator.pool.ServiceKey, ServiceAnnouncement> changes = new HashMap<>();
    for (var key : m.removed()) {
      changes.put(key, null);
    }
    for (ServiceAnnouncement s : m.set()) {
      changes.put(s.service(), s);
    }
    return queueChanges(changes, m.applied());
  }

  /**
   * Gathers changes and applies them once per queue of messages. During a burst (each Service's
   * status write brings a change) the next application also waits so that applying keeps to its
   * share of a core; the changes that arrive meanwhile are applied together and reach each
   * session as one message, which packs them into fewer, fuller UPDATEs.
   */
  private Behavior<Command> queueChanges(Map<io.herald.allocator.pool.ServiceKey, ServiceAnnouncement> changes,
      Optional<ActorRef<DesiredApplied>> applied) {
    if (draining) {
      applied.ifPresent(r -> r.tell(DesiredApplied.INSTANCE));
      return this;
    }
    if (pendingDesired == null) {
      long delay = planning.delay(System.nanoTime());
      if (delay == 0) {
        getContext().getSelf().tell(ApplyDesired.INSTANCE);
      } else {
        timers.startSingleTimer(ApplyDesired.INSTANCE, ApplyDesired.INSTANCE, Duration.ofNanos(delay));
      }
      pendingDesired = changes;
    } else {
      pendingDesired.putAll(changes);
    }
    // A set replaced before it was planned counts as applied: its sender's newer one matters.
    pendingApplied.ifPresent(r -> r.tell(DesiredApplied.INSTANCE));
    pendingApplied = applied;
    return this;
  }

  private Behavior<Command> onApplyDesired() {
    Map<io.herald.allocator.pool.ServiceKey, ServiceAnnouncement> changes = pendingDesired;
    pendingDesired = null;
    Optional<ActorRef<DesiredApplied>> applied = pendingApplied;
    pendingApplied = Optional.empty();
    applied.ifPresent(r -> r.tell(DesiredApplied.INSTANCE));
    if (draining || changes == null) {
      return this;
    }
    long start = System.nanoTime();
    List<Session> changed = new ArrayList<>();
    for (var e : changes.entrySet()) {
      ServiceAnnouncement next = e.getValue();
      ServiceAnnouncement before = next == null ? desired.remove(e.getKey()) : desired.put(e.getKey(), next);
      for (Session s : sessions.values()) {
        if (s.planned.replace(before, next) && !changed.contains(s)) {
          changed.add(s);
        }
      }
    }
    for (Session s : changed) {
      s.ref.tell(new PeerSession.UpdateRoutes(s.planned.takeChanges()));
    }
    planning.ran(start, System.nanoTime());
    return this;
  }

  private Behavior<Command> onSetConfig(SetConfig m) {
    if (draining) {
      return this;
    }
    config = m.config();
    reconcilePeers();
    return this;
  }

  private Behavior<Command> onSetNodeLabels(SetNodeLabels m) {
    if (draining) {
      return this;
    }
    nodeLabels = m.labels();
    reconcilePeers();
    return this;
  }

  /** Starts sessions for newly selected peers, ends those of removed or changed ones, then routes. */
  private void reconcilePeers() {
    problems.clear();
    Map<String, BgpPeer> wanted = new LinkedHashMap<>();
    Map<String, PeerConfig> configs = new HashMap<>();
    for (BgpPeer p : config.peers()) {
      if (!RoutePlanner.selects(p, nodeLabels)) {
        continue;
      }
      PeerConfigs.Result r = PeerConfigs.toPeerConfig(p, nodeAddress);
      if (r.config().isEmpty()) {
        problems.add(r.problem());
        getContext().getLog().warn("not peering: {}", r.problem());
        continue;
      }
      wanted.put(p.name(), p);
      configs.put(p.name(), r.config().get());
    }
    for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      PeerConfig next = configs.get(e.getKey());
      if (next == null || !next.equals(e.getValue().config)) {
        // RFC 4486 §4: Cease/Peer De-configured, also when its settings change (it comes back below).
        e.getValue().ref.tell(new PeerSession.Stop(true, "", getContext().getSystem().ignoreRef()));
        it.remove();
      }
    }
    for (var e : wanted.entrySet()) {
      String name = e.getKey();
      Session current = sessions.get(name);
      if (current == null) {
        PeerTelemetry telemetry = new PeerTelemetry(clock);
        ActorRef<PeerSession.Command> ref = getContext().spawn(
            PeerSession.create(transport, configs.get(name), telemetry), "peer-" + (++generation));
        getContext().watchWith(ref, new SessionStopped(name, ref));
        sessions.put(name, new Session(e.getValue(), configs.get(name), ref, telemetry));
      } else if (!current.peer.equals(e.getValue())) {
        // Same session settings, other fields changed (node selectors): keep the session.
        sessions.put(name, new Session(e.getValue(), current.config, current.ref, current.telemetry));
        sessions.get(name).planned = current.planned;
      }
    }
    planAll();
  }

  /**
   * Plans every session's routes afresh from the desired set (peers, node labels, configuration
   * or draining changed) and hands each session its whole set if it differs from the last one.
   */
  private void planAll() {
    for (Session s : sessions.values()) {
      PeerRoutes before = s.planned;
      s.planned = new PeerRoutes(s.peer, nodeLabels, config, draining);
      for (ServiceAnnouncement a : desired.values()) {
        s.planned.replace(null, a);
      }
      s.planned.takeChanges(); // the whole set goes instead
      if (before == null || !s.planned.routes().equals(before.routes())) {
        s.ref.tell(new PeerSession.SetRoutes(s.planned.routes()));
      }
    }
  }

  private Behavior<Command> onDrain(Drain m) {
    if (draining) {
      m.replyTo().tell(Done.getInstance());
      return this;
    }
    draining = true;
    drain = m;
    if (sessions.isEmpty()) {
      m.replyTo().tell(Done.getInstance());
      return this;
    }
    if (m.drainTime().isZero()) {
      return onDrainElapsed(new DrainElapsed());
    }
    getContext().getLog().info("draining {} sessions for {} with GRACEFUL_SHUTDOWN", sessions.size(), m.drainTime());
    planAll();
    timers.startSingleTimer(new DrainElapsed(), m.drainTime());
    return this;
  }

  private Behavior<Command> onDrainElapsed(DrainElapsed m) {
    stopping = sessions.size();
    for (Session s : sessions.values()) {
      s.ref.tell(new PeerSession.Stop(false, drain.text(), getContext().getSystem().ignoreRef()));
    }
    return this;
  }

  private Behavior<Command> onSessionStopped(SessionStopped m) {
    Session s = sessions.get(m.peer());
    if (s != null && s.ref.equals(m.ref())) {
      sessions.remove(m.peer());
      if (draining && --stopping <= 0) {
        getContext().getLog().info("all sessions closed");
        drain.replyTo().tell(Done.getInstance());
      }
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus m) {
    List<PeerStatus> peers = new ArrayList<>();
    for (var e : sessions.entrySet()) {
      Session s = e.getValue();
      PeerTelemetry t = s.telemetry;
      peers.add(new PeerStatus(e.getKey(), s.config.peer().getAddress().getHostAddress(), s.config.peer().getPort(),
          s.config.peerAs().value(), t.state(), t.since(), t.prefixesAnnounced(), t.updatesSent(), s.planned.size(),
          t.lastDown()));
    }
    List<ServiceStatus> services = new ArrayList<>();
    for (ServiceAnnouncement a : desired.values()) {
      List<String> to = new ArrayList<>();
      for (var e : sessions.entrySet()) {
        if (e.getValue().telemetry.isEstablished() && carries(e.getValue().planned.routes(), a.ips())) {
          to.add(e.getKey());
        }
      }
      services.add(new ServiceStatus(a.service(), a.pool(), a.ips(), a.announce(), a.reason(), to));
    }
    m.replyTo().tell(new Status(nodeName, peers, services, problems));
    return this;
  }

  /** Whether any route covers one of {@code ips} (routes may be aggregates). */
  private static boolean carries(Map<Prefix, RouteAttributes> routes, List<IpAddress> ips) {
    if (routes.isEmpty()) {
      return false;
    }
    TreeSet<Integer> lengths = new TreeSet<>();
    routes.keySet().forEach(p -> lengths.add(p.length() + (p.isIpv6() ? 1000 : 0)));
    for (IpAddress ip : ips) {
      for (int l : lengths) {
        boolean v6 = l >= 1000;
        if (v6 == ip.isV4()) {
          continue;
        }
        if (routes.containsKey(Prefix.containing(ip.toInetAddress(), v6 ? l - 1000 : l))) {
          return true;
        }
      }
    }
    return false;
  }
}
