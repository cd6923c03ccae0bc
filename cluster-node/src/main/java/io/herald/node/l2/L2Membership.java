package io.herald.node.l2;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The Layer 2 candidate set from the live Pekko cluster, in place of MetalLB's memberlist: the
 * Kubernetes node names of the members that are Up (or WeaklyUp) and that this node's failure
 * detector sees as reachable. Every node carries its node name as the role {@link #role}.
 * An unreachable owner leaves the set as soon as the failure detector says so, long before the
 * split-brain resolver removes it, which is what makes failover fast.
 */
public final class L2Membership {

  public static final String ROLE_PREFIX = "herald-node:";

  private L2Membership() {}

  /** The cluster role naming a node. */
  public static String role(String nodeName) {
    return ROLE_PREFIX + nodeName;
  }

  /**
   * Calls {@code onChange} with the live node names after every membership or reachability change,
   * from an actor that follows the cluster's events (its own view, so it never reads a state
   * older than the event it handles).
   */
  public static void watch(ActorSystem<?> system, String name, Consumer<Set<String>> onChange) {
    var ref = system.systemActorOf(follower(onChange), name, Props.empty());
    Cluster.get(system).subscriptions().tell(Subscribe.create(ref.narrow(), ClusterEvent.MemberEvent.class));
    Cluster.get(system).subscriptions().tell(Subscribe.create(ref.narrow(), ClusterEvent.ReachabilityEvent.class));
  }

  static Behavior<ClusterEvent.ClusterDomainEvent> follower(Consumer<Set<String>> onChange) {
    return Behaviors.setup(ctx -> {
      Map<Address, Member> members = new HashMap<>();
      Set<Address> unreachable = new HashSet<>();
      Set<String>[] last = new Set[] {null};
      return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
          .onAnyMessage(e -> {
            if (e instanceof ClusterEvent.MemberRemoved r) {
              members.remove(r.member().address());
              unreachable.remove(r.member().address());
            } else if (e instanceof ClusterEvent.MemberEvent m) {
              members.put(m.member().address(), m.member());
            } else if (e instanceof ClusterEvent.UnreachableMember u) {
              members.put(u.member().address(), u.member());
              unreachable.add(u.member().address());
            } else if (e instanceof ClusterEvent.ReachableMember r) {
              members.put(r.member().address(), r.member());
              unreachable.remove(r.member().address());
            }
            Set<String> live = live(members.values(), unreachable);
            if (!live.equals(last[0])) {
              last[0] = live;
              ctx.getLog().info("l2: live nodes {}", live);
              onChange.accept(live);
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Node names of the members that are Up or WeaklyUp and not in {@code unreachable}, sorted. */
  static Set<String> live(Iterable<Member> members, Set<Address> unreachable) {
    Set<String> out = new TreeSet<>();
    for (Member m : members) {
      MemberStatus s = m.status();
      if ((s != MemberStatus.up() && s != MemberStatus.weaklyUp()) || unreachable.contains(m.address())) continue;
      for (String r : m.getRoles()) {
        if (r.startsWith(ROLE_PREFIX)) out.add(r.substring(ROLE_PREFIX.length()));
      }
    }
    return out;
  }
}
