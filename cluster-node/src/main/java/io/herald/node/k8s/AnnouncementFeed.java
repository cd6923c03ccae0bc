package io.herald.node.k8s;

import io.herald.allocator.ip.IpAddress;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.watcher.ServiceSource;
import io.herald.k8s.write.AnnouncementStatusWriter;
import io.herald.k8s.write.EventRecorder;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.announce.NodeAnnouncements;
import io.herald.node.announce.ServiceAnnouncement;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The speaker half of MetalLB, on this node: the watcher's decisions become this node's desired
 * set in {@link NodeAnnouncements} (handed over as the Services whose entry changed), a
 * {@code nodeAssigned} Event when this node starts announcing a Service, and the
 * ServiceBGPStatus / ServiceL2Status objects. Node label changes become {@code SetNodeLabels}.
 * One actor owns the state; all API writes are handed to the writers' own threads.
 *
 * <p>The pool (which advertisements select by) and the Service labels are read from the Service
 * when a decision arrives and again on every change of the Service, because they may change
 * without changing the decision (Herald writes the pool annotation with the ingress IPs, but a
 * Service may come with addresses from another controller and get its annotation later).
 */
public final class AnnouncementFeed {

  public sealed interface Command permits Decided, ServiceChanged, NodesChanged, Flush, DesiredApplied {}

  /** The watcher published a new decision. */
  public record Decided(ServiceDecision decision) implements Command {}

  /** The Service object (labels, annotations) may have changed. */
  public record ServiceChanged(ServiceKey key) implements Command {}

  /** A Node changed: this node's labels may have. */
  public enum NodesChanged implements Command {
    INSTANCE
  }

  /**
   * Hands the desired set's changes on once the decisions already queued are in: a burst (a
   * start-up, a resync) becomes one message instead of one per Service.
   */
  private enum Flush implements Command {
    INSTANCE
  }

  /**
   * The announcer took up the last changes sent (or merged them with newer ones). Until then no
   * new changes are sent: they gather here, so during a burst the announcer gets a few large
   * batches rather than a message per Flush.
   */
  private enum DesiredApplied implements Command {
    INSTANCE
  }

  private static final int DESIRED = 0;
  private static final int LAYER2 = 1;
  private static final int FLUSH_QUEUED = 0;
  private static final int SENT = 1;

  private AnnouncementFeed() {}

  /**
   * What this node should do for one Service, from the watcher's decision and the Service as it
   * is now; empty when there is nothing to announce or withdraw (Service gone, or no address).
   * Announces when the BGP decision says so; Layer 2 is not announced by the node yet.
   */
  public static Optional<ServiceAnnouncement> announcement(ServiceDecision d, Optional<ServiceView> view) {
    if (view.isEmpty()) return Optional.empty();
    ServiceView v = view.get();
    List<String> ipText = d.bgp() instanceof AnnounceDecision.Announce a ? a.ips() : v.ingressIps();
    List<IpAddress> ips = ipText.stream().map(IpAddress::parse).flatMap(Optional::stream).toList();
    if (ips.isEmpty()) return Optional.empty();
    var key = ServiceRequests.key(d.key());
    String pool = v.annotations().getOrDefault(ServiceStatusWriter.POOL_ANNOTATION, "");
    return Optional.of(switch (d.bgp().kind()) {
      case ANNOUNCE -> ServiceAnnouncement.announce(key, pool, ips, v.labels());
      case WITHDRAW -> ServiceAnnouncement.withdraw(key, pool, ips, v.labels(),
          ((AnnounceDecision.Withdraw) d.bgp()).reason().token());
    });
  }

  /** Every owned IP with the union of its interfaces; an empty list (all interfaces) wins. */
  static Map<InetAddress, List<String>> ownedIps(Collection<AnnounceDecision.Announce> announces) {
    Map<InetAddress, java.util.Set<String>> out = new LinkedHashMap<>();
    for (AnnounceDecision.Announce a : announces) {
      for (String text : a.ips()) {
        IpAddress.parse(text).ifPresent(ip -> {
          java.util.Set<String> ifs = out.get(ip.toInetAddress());
          if (ifs != null && ifs.isEmpty()) return;
          if (a.interfaces().isEmpty()) out.put(ip.toInetAddress(), new java.util.TreeSet<>());
          else out.computeIfAbsent(ip.toInetAddress(), k -> new java.util.TreeSet<>(a.interfaces())).addAll(a.interfaces());
        });
      }
    }
    Map<InetAddress, List<String>> lists = new LinkedHashMap<>();
    out.forEach((ip, ifs) -> lists.put(ip, List.copyOf(ifs)));
    return lists;
  }

  public static Behavior<Command> create(String nodeName, ServiceSource source,
      ActorRef<NodeAnnouncements.Command> announcements, EventRecorder speakerEvents, String speakerComponent,
      AnnouncementStatusWriter statusWriter) {
    return create(nodeName, source, announcements, speakerEvents, speakerComponent, statusWriter, owned -> {});
  }

  /**
   * As above, and the Layer 2 decisions become the node's complete owned set (IP to interfaces,
   * empty meaning all), handed to {@code layer2} whenever it changes.
   */
  public static Behavior<Command> create(String nodeName, ServiceSource source,
      ActorRef<NodeAnnouncements.Command> announcements, EventRecorder speakerEvents, String speakerComponent,
      AnnouncementStatusWriter statusWriter, Consumer<Map<InetAddress, List<String>>> layer2) {
    return Behaviors.setup(ctx -> {
      Map<ServiceKey, AnnounceDecision.Announce> owned = new TreeMap<>();
      Map<ServiceKey, ServiceDecision> decisions = new HashMap<>();
      Map<ServiceKey, ServiceAnnouncement> desired = new HashMap<>();
      // The Services whose desired entry changed since the last changes were sent.
      java.util.Set<ServiceKey> changedDesired = new java.util.LinkedHashSet<>();
      var labels = new java.util.concurrent.atomic.AtomicReference<Map<String, String>>();

      // What changed since the last Flush: [DESIRED] the desired set (which Services:
      // changedDesired), [LAYER2] the Layer 2 set. The first change queues a Flush behind the
      // decisions already in the mailbox, so an idle feed answers one decision at once and a
      // burst costs one message, not one per decision.
      boolean[] dirty = new boolean[2];
      // [FLUSH_QUEUED] a Flush is in the mailbox; [SENT] a set is with the announcer, not yet applied.
      boolean[] state = new boolean[2];
      ActorRef<NodeAnnouncements.DesiredApplied> applied =
          ctx.messageAdapter(NodeAnnouncements.DesiredApplied.class, a -> DesiredApplied.INSTANCE);
      Runnable flushSoon = () -> {
        if (!state[FLUSH_QUEUED]) ctx.getSelf().tell(Flush.INSTANCE);
        state[FLUSH_QUEUED] = true;
      };
      IntConsumer changed = which -> {
        dirty[which] = true;
        flushSoon.run();
      };
      return Behaviors.receive(Command.class)
          .onMessageEquals(Flush.INSTANCE, () -> {
            state[FLUSH_QUEUED] = false;
            if (dirty[DESIRED] && !state[SENT]) {
              List<ServiceAnnouncement> set = new java.util.ArrayList<>();
              List<io.herald.allocator.pool.ServiceKey> removed = new java.util.ArrayList<>();
              for (ServiceKey k : changedDesired) {
                ServiceAnnouncement a = desired.get(k);
                if (a != null) set.add(a);
                else removed.add(ServiceRequests.key(k));
              }
              changedDesired.clear();
              announcements.tell(new NodeAnnouncements.UpdateDesired(set, removed, Optional.of(applied)));
              state[SENT] = true;
              dirty[DESIRED] = false;
            }
            if (dirty[LAYER2]) layer2.accept(ownedIps(owned.values()));
            dirty[LAYER2] = false;
            return Behaviors.same();
          })
          .onMessageEquals(DesiredApplied.INSTANCE, () -> {
            state[SENT] = false;
            // Changes that came while the set was planned: one set with all of them.
            if (dirty[DESIRED]) flushSoon.run();
            return Behaviors.same();
          })
          .onMessage(Decided.class, m -> {
            ServiceDecision d = m.decision();
            ServiceDecision before = decisions.get(d.key());
            Optional<ServiceView> view = source.service(d.key());
            if (view.isPresent()) decisions.put(d.key(), d);
            else decisions.remove(d.key());
            boolean was = before != null && before.announces();
            if (d.announces() && !was && view.isPresent()) {
              speakerEvents.record(MetallbEvents.nodeAssigned(ObjectRef.of(view.get()), nodeName, speakerComponent));
            }
            statusWriter.publish(d);
            AnnounceDecision.Announce l2 = d.layer2() instanceof AnnounceDecision.Announce a && view.isPresent() ? a : null;
            if (!Objects.equals(l2 == null ? owned.remove(d.key()) : owned.put(d.key(), l2), l2)) {
              changed.accept(LAYER2);
            }
            Optional<ServiceAnnouncement> next = announcement(d, view);
            ServiceAnnouncement prev = next.isPresent() ? desired.put(d.key(), next.get()) : desired.remove(d.key());
            if (!Objects.equals(prev, next.orElse(null))) {
              changedDesired.add(d.key());
              changed.accept(DESIRED);
            }
            return Behaviors.same();
          })
          .onMessage(ServiceChanged.class, m -> {
            ServiceDecision d = decisions.get(m.key());
            if (d == null) return Behaviors.same();
            Optional<ServiceAnnouncement> next = announcement(d, source.service(m.key()));
            if (next.isPresent() && !next.get().equals(desired.get(m.key()))) {
              desired.put(m.key(), next.get());
              changedDesired.add(m.key());
              changed.accept(DESIRED);
            }
            return Behaviors.same();
          })
          .onMessageEquals(NodesChanged.INSTANCE, () -> {
            NodeView self = source.nodes().get(nodeName);
            if (self != null && !self.labels().equals(labels.get())) {
              labels.set(self.labels());
              announcements.tell(new NodeAnnouncements.SetNodeLabels(self.labels()));
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
