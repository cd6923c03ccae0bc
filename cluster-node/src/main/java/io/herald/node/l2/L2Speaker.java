package io.herald.node.l2;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This node's Layer 2 responder: answers ARP and Neighbor Solicitations for the IPs it owns, on
 * the interfaces their advertisements name, and announces each newly owned IP with a short burst
 * of gratuitous ARP / unsolicited NA. Given the complete owned set each time ({@link SetOwned});
 * answers only while this node is an Up member of the cluster, so a node the split-brain resolver
 * downs falls silent at once, before its ActorSystem even stops.
 */
public final class L2Speaker extends AbstractBehavior<L2Speaker.Command> {

  public sealed interface Command {}

  /** The complete set of owned IPs, each with the interfaces to answer on (empty list: all). */
  public record SetOwned(Map<InetAddress, List<String>> owned) implements Command {
    public SetOwned {
      Map<InetAddress, List<String>> copy = new LinkedHashMap<>();
      owned.forEach((ip, ifs) -> copy.put(ip, List.copyOf(ifs)));
      owned = Map.copyOf(copy);
    }
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private record Burst(InetAddress ip, String link, int sent) implements Command {}

  /** Gratuitous packets after the first: at 250 ms, 500 ms, 1 s and 2 s after the previous one. */
  static final int BURST = 5;
  static final Duration FIRST_REPEAT = Duration.ofMillis(250);
  /** MetalLB re-reads interfaces every 10 s; membership is checked on every tick. */
  static final Duration TICK = Duration.ofMillis(100);
  static final int RESCAN_TICKS = 100;

  private final L2Counters counters;
  private final List<Pattern> excludes;
  private final TimerScheduler<Command> timers;
  private final boolean gateOnMembership;
  private Map<InetAddress, List<String>> owned = Map.of();
  private final Map<String, InterfaceResponder> responders = new HashMap<>();
  private final Set<String> failedLinks = new HashSet<>();
  private boolean up;
  private int ticks;

  private L2Speaker(ActorContext<Command> ctx, TimerScheduler<Command> timers, L2Counters counters,
      List<Pattern> excludes, boolean gateOnMembership) {
    super(ctx);
    this.timers = timers;
    this.counters = counters;
    this.excludes = List.copyOf(excludes);
    this.gateOnMembership = gateOnMembership;
    this.up = !gateOnMembership;
    timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
  }

  /**
   * @param excludes interface name patterns skipped when an advertisement names no interface
   * @param gateOnMembership answer only while this node is an Up (or WeaklyUp) cluster member
   */
  public static Behavior<Command> create(L2Counters counters, List<Pattern> excludes, boolean gateOnMembership) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new L2Speaker(ctx, t, counters, excludes, gateOnMembership)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SetOwned.class, m -> {
          owned = m.owned();
          apply();
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Burst.class, this::onBurst)
        .onSignal(PostStop.class, s -> {
          responders.values().forEach(InterfaceResponder::close);
          responders.clear();
          return this;
        })
        .build();
  }

  private Behavior<Command> onTick() {
    boolean wasUp = up;
    if (gateOnMembership) {
      MemberStatus s = Cluster.get(getContext().getSystem()).selfMember().status();
      up = s == MemberStatus.up() || s == MemberStatus.weaklyUp();
    }
    if (up != wasUp || ++ticks % RESCAN_TICKS == 0) apply();
    return this;
  }

  /** Opens, updates and closes per-interface responders so that they answer exactly for {@link #owned}. */
  private void apply() {
    Map<String, Set<InetAddress>> wanted = new HashMap<>();
    Map<String, L2Interfaces.Link> linkByName = new HashMap<>();
    if (up && !owned.isEmpty()) {
      List<L2Interfaces.Link> links = L2Interfaces.ethernetLinks();
      owned.forEach((ip, named) -> {
        for (L2Interfaces.Link l : L2Interfaces.select(links, named, excludes)) {
          wanted.computeIfAbsent(l.name(), k -> new HashSet<>()).add(ip);
          linkByName.put(l.name(), l);
        }
      });
    }
    for (var it = responders.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      L2Interfaces.Link l = linkByName.get(e.getKey());
      if (l == null || !l.mac().equals(e.getValue().mac)) {
        e.getValue().owned().forEach(ip -> getContext().getLog().info("l2: stopped answering for {} on {}",
            ip.getHostAddress(), e.getKey()));
        e.getValue().close();
        it.remove();
      }
    }
    for (var e : wanted.entrySet()) {
      InterfaceResponder r = responders.get(e.getKey());
      if (r == null) {
        try {
          r = InterfaceResponder.open(linkByName.get(e.getKey()), counters);
          failedLinks.remove(e.getKey());
        } catch (IOException ex) {
          if (failedLinks.add(e.getKey())) getContext().getLog().warn("l2: cannot answer on {}: {}", e.getKey(), ex.getMessage());
          continue;
        }
        responders.put(e.getKey(), r);
      }
      Set<InetAddress> before = r.owned();
      r.setOwned(e.getValue());
      for (InetAddress ip : e.getValue()) {
        if (!before.contains(ip)) {
          getContext().getLog().info("l2: answering for {} on {} ({})", ip.getHostAddress(), r.name, r.mac);
          onBurst(new Burst(ip, r.name, 0));
        }
      }
      for (InetAddress ip : before) {
        if (!e.getValue().contains(ip)) {
          getContext().getLog().info("l2: stopped answering for {} on {}", ip.getHostAddress(), r.name);
        }
      }
    }
  }

  private Behavior<Command> onBurst(Burst b) {
    InterfaceResponder r = responders.get(b.link());
    if (r == null || !r.owned().contains(b.ip())) return this;
    r.announce(b.ip());
    if (b.sent() + 1 < BURST) {
      timers.startSingleTimer(List.of(b.ip(), b.link()), new Burst(b.ip(), b.link(), b.sent() + 1),
          FIRST_REPEAT.multipliedBy(1L << b.sent()));
    }
    return this;
  }
}
