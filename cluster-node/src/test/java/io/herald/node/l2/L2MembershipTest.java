package io.herald.node.l2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.util.Version;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Layer 2 candidate set from cluster membership: which members count as live, and how the
 * follower turns a stream of member and reachability events into live-set changes.
 */
class L2MembershipTest {

  /** A member as the cluster would report it (Member's constructor is public in bytecode only). */
  private static Member member(String host, long uid, MemberStatus status, String... roles) {
    Address address = new Address("pekko", "herald", host, 25520);
    return new Member(new UniqueAddress(address, uid), 1, status,
        CollectionConverters.asScala(Set.of(roles)).toSet(), Version.Zero());
  }

  private static Member node(String name, String host, MemberStatus status) {
    return member(host, host.hashCode(), status, L2Membership.role(name), "dc-default");
  }

  @Test
  void onlyUpAndWeaklyUpMembersCount() {
    List<Member> members = List.of(
        node("up", "192.0.2.1", MemberStatus.up()),
        node("weakly-up", "192.0.2.2", MemberStatus.weaklyUp()),
        node("joining", "192.0.2.3", MemberStatus.joining()),
        node("leaving", "192.0.2.4", MemberStatus.leaving()),
        node("exiting", "192.0.2.5", MemberStatus.exiting()),
        node("down", "192.0.2.6", MemberStatus.down()),
        node("removed", "192.0.2.7", MemberStatus.removed()));
    assertThat(L2Membership.live(members, Set.of())).containsExactly("up", "weakly-up");
  }

  @Test
  void unreachableMembersAndMembersWithoutANodeRoleDoNotCount() {
    Member a = node("node-a", "192.0.2.1", MemberStatus.up());
    Member b = node("node-b", "192.0.2.2", MemberStatus.up());
    Member plain = member("192.0.2.3", 3, MemberStatus.up(), "dc-default", "backend");
    assertThat(L2Membership.live(List.of(b, a, plain), Set.of())).containsExactly("node-a", "node-b");
    assertThat(L2Membership.live(List.of(b, a, plain), Set.of(a.address()))).containsExactly("node-b");
  }

  @Test
  void theRoleCarriesTheNodeNameVerbatim() {
    assertThat(L2Membership.role("worker-1.example")).isEqualTo("herald-node:worker-1.example");
    Member m = member("192.0.2.1", 1, MemberStatus.up(), L2Membership.role("worker:1"));
    assertThat(L2Membership.live(List.of(m), Set.of())).containsExactly("worker:1");
  }

  @Test
  void followerReportsEachChangeOfTheLiveSetOnce() {
    List<Set<String>> seen = new ArrayList<>();
    BehaviorTestKit<ClusterEvent.ClusterDomainEvent> kit = BehaviorTestKit.create(L2Membership.follower(seen::add));
    Member a = node("node-a", "192.0.2.1", MemberStatus.up());
    Member b = node("node-b", "192.0.2.2", MemberStatus.up());
    Member bJoining = node("node-b", "192.0.2.2", MemberStatus.joining());

    kit.run(new ClusterEvent.MemberJoined(bJoining));
    kit.run(new ClusterEvent.MemberUp(a));
    kit.run(new ClusterEvent.MemberUp(b));
    kit.run(new ClusterEvent.UnreachableMember(b));
    kit.run(new ClusterEvent.UnreachableMember(b));
    kit.run(new ClusterEvent.ReachableMember(b));
    kit.run(new ClusterEvent.MemberLeft(a.copy(MemberStatus.leaving())));
    kit.run(new ClusterEvent.MemberRemoved(node("node-a", "192.0.2.1", MemberStatus.removed()), MemberStatus.exiting()));

    assertThat(seen).containsExactly(
        Set.of(), // b joining: not live yet, but the first report says so
        Set.of("node-a"),
        Set.of("node-a", "node-b"),
        Set.of("node-a"), // b unreachable (reported once, though the event came twice)
        Set.of("node-a", "node-b"), // reachable again
        Set.of("node-b")); // a leaving; its removal changes nothing more
  }

  @Test
  void aRemovedUnreachableMemberDoesNotLingerAsUnreachableForItsNextIncarnation() {
    List<Set<String>> seen = new ArrayList<>();
    BehaviorTestKit<ClusterEvent.ClusterDomainEvent> kit = BehaviorTestKit.create(L2Membership.follower(seen::add));
    Member old = member("192.0.2.1", 1, MemberStatus.up(), L2Membership.role("node-a"));
    kit.run(new ClusterEvent.MemberUp(old));
    kit.run(new ClusterEvent.UnreachableMember(old));
    kit.run(new ClusterEvent.MemberRemoved(member("192.0.2.1", 1, MemberStatus.removed(), L2Membership.role("node-a")),
        MemberStatus.down()));
    // The restarted node rejoins at the same address with a new uid.
    kit.run(new ClusterEvent.MemberUp(member("192.0.2.1", 2, MemberStatus.up(), L2Membership.role("node-a"))));
    assertThat(seen).containsExactly(Set.of("node-a"), Set.of(), Set.of("node-a"));
  }
}
