package io.herald.node.ip;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.AllocationFailure;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IpOwnerEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local")
          .withFallback(EventSourcedBehaviorTestKit.config())
          .withFallback(ConfigFactory.load()));

  private static final PoolSet POOLS = PoolSet.of(
      IpPool.of("private", "192.0.2.0/30"),
      IpPool.of("public", "198.51.100.10-198.51.100.11").withAutoAssign(false));

  private EventSourcedBehaviorTestKit<IpOwnerEntity.Command, IpOwnerEntity.Event, IpOwnerEntity.State> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        IpOwnerEntity.create(IpOwnerEntity.DEFAULT_ID, POOLS),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    kit.clear();
  }

  private static ServiceRequest svc(String name) {
    return ServiceRequest.builder("default", name).ports(ServicePort.tcp(80)).build();
  }

  private AllocationResult allocate(ServiceRequest r) {
    return kit.<IpOwnerEntity.AllocateReply>runCommand(to -> new IpOwnerEntity.Allocate(r, to)).reply().result();
  }

  private static List<IpAddress> ips(AllocationResult r) {
    assertThat(r).isInstanceOf(AllocationResult.Assigned.class);
    return ((AllocationResult.Assigned) r).ips();
  }

  @Test
  void persistsAnAllocationBeforeReplyingAndRepeatsItWithoutWriting() {
    var first = kit.<IpOwnerEntity.AllocateReply>runCommand(to -> new IpOwnerEntity.Allocate(svc("web"), to));
    assertThat(first.events()).hasSize(1);
    IpOwnerEntity.Allocated e = first.eventOfType(IpOwnerEntity.Allocated.class);
    assertThat(e.pool()).isEqualTo("private");
    assertThat(e.ips()).containsExactly(IpAddress.of("192.0.2.0"));
    assertThat(ips(first.reply().result())).containsExactly(IpAddress.of("192.0.2.0"));

    var again = kit.<IpOwnerEntity.AllocateReply>runCommand(to -> new IpOwnerEntity.Allocate(svc("web"), to));
    assertThat(again.hasNoEvents()).as("idempotent: nothing new to persist").isTrue();
    assertThat(((AllocationResult.Assigned) again.reply().result()).change())
        .isEqualTo(AllocationResult.Change.UNCHANGED);
    assertThat(ips(again.reply().result())).containsExactly(IpAddress.of("192.0.2.0"));
  }

  @Test
  void recoveryKeepsEveryAddressAndNeverHandsOneOutTwice() {
    List<IpAddress> a = ips(allocate(svc("a")));
    List<IpAddress> b = ips(allocate(svc("b")));
    ips(allocate(svc("c")));
    kit.<IpOwnerEntity.ReleaseReply>runCommand(to -> new IpOwnerEntity.Release(new ServiceKey("default", "c"), to));
    kit.restart();
    var again = kit.<IpOwnerEntity.AllocateReply>runCommand(to -> new IpOwnerEntity.Allocate(svc("a"), to));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(ips(again.reply().result())).isEqualTo(a);
    assertThat(ips(allocate(svc("b")))).isEqualTo(b);
    // c's address was released before the restart: d gets it, and nothing else is free but one.
    assertThat(ips(allocate(svc("d")))).containsExactly(IpAddress.of("192.0.2.2"));
    assertThat(ips(allocate(svc("e")))).containsExactly(IpAddress.of("192.0.2.3"));
    AllocationResult full = allocate(svc("f"));
    assertThat(full).isInstanceOf(AllocationResult.Failed.class);
    assertThat(((AllocationResult.Failed) full).reason()).isEqualTo(new AllocationFailure.NoAvailableIps());
  }

  @Test
  void startUpHonoursStatusAddressesBeforeNewAllocations() {
    ServiceRequest fresh = svc("aaa-new");
    ServiceRequest held = svc("zzz-held").toBuilder().statusIps(IpAddress.of("192.0.2.0")).build();
    var res = kit.<IpOwnerEntity.StartUpReply>runCommand(to -> new IpOwnerEntity.StartUp(List.of(fresh, held), to));
    assertThat(res.events()).hasSize(2);
    assertThat(kit.getState().allocator.allocation(held.key()).orElseThrow().ips())
        .containsExactly(IpAddress.of("192.0.2.0"));
    assertThat(kit.getState().allocator.allocation(fresh.key()).orElseThrow().ips())
        .containsExactly(IpAddress.of("192.0.2.1"));
  }

  @Test
  void movingToAnotherPoolIsOneEventAndSurvivesRecovery() {
    allocate(svc("web"));
    ServiceRequest pub = svc("web").toBuilder().annotation("metallb.universe.tf/address-pool", "public").build();
    var moved = kit.<IpOwnerEntity.AllocateReply>runCommand(to -> new IpOwnerEntity.Allocate(pub, to));
    assertThat(moved.events()).hasSize(1);
    assertThat(moved.eventOfType(IpOwnerEntity.Allocated.class).pool()).isEqualTo("public");
    kit.restart();
    assertThat(kit.getState().allocator.allocation(pub.key()).orElseThrow().ips())
        .containsExactly(IpAddress.of("198.51.100.10"));
    assertThat(kit.getState().allocator.holders(IpAddress.of("192.0.2.0"))).isEmpty();
  }

  @Test
  void aBatchIsOneWriteWithResultsInRequestOrder() {
    allocate(svc("held"));
    var batch = kit.<IpOwnerEntity.StartUpReply>runCommand(to -> new IpOwnerEntity.AllocateBatch(
        List.of(svc("b"), svc("held"), svc("a")), to));
    assertThat(batch.events()).extracting(e -> ((IpOwnerEntity.Allocated) e).request().key().name())
        .containsExactly("b", "a");
    assertThat(batch.reply().results()).extracting(r -> r.service().name()).containsExactly("b", "held", "a");
    assertThat(ips(batch.reply().results().get(0))).containsExactly(IpAddress.of("192.0.2.1"));
    assertThat(ips(batch.reply().results().get(1))).containsExactly(IpAddress.of("192.0.2.0"));
    assertThat(ips(batch.reply().results().get(2))).containsExactly(IpAddress.of("192.0.2.2"));
    var again = kit.<IpOwnerEntity.StartUpReply>runCommand(to -> new IpOwnerEntity.AllocateBatch(
        List.of(svc("b"), svc("held"), svc("a")), to));
    assertThat(again.hasNoEvents()).as("a retried batch writes nothing").isTrue();
    kit.restart();
    assertThat(kit.getState().allocator.allocations()).hasSize(3);
  }

  @Test
  void releaseIsIdempotent() {
    allocate(svc("web"));
    var first = kit.<IpOwnerEntity.ReleaseReply>runCommand(to -> new IpOwnerEntity.Release(new ServiceKey("default", "web"), to));
    assertThat(first.reply().released()).isTrue();
    assertThat(first.events()).containsExactly(new IpOwnerEntity.Released(new ServiceKey("default", "web")));
    var second = kit.<IpOwnerEntity.ReleaseReply>runCommand(to -> new IpOwnerEntity.Release(new ServiceKey("default", "web"), to));
    assertThat(second.reply().released()).isFalse();
    assertThat(second.hasNoEvents()).isTrue();
  }

  @Test
  void failureAndUnknownPoolRepliesAreNotPersisted() {
    ServiceRequest bad = svc("x").toBuilder().annotation("metallb.universe.tf/address-pool", "nope").build();
    var r = kit.<IpOwnerEntity.AllocateReply>runCommand(to -> new IpOwnerEntity.Allocate(bad, to));
    assertThat(r.hasNoEvents()).isTrue();
    assertThat(((AllocationResult.Failed) r.reply().result()).reason())
        .isEqualTo(new AllocationFailure.UnknownPool("nope"));
  }

  @Test
  void newPoolsAreRefusedWhileAnAddressInUseWouldFallOutside() {
    allocate(svc("web"));
    var refused = kit.<IpOwnerEntity.SetPoolsReply>runCommand(to -> new IpOwnerEntity.SetPools(
        List.of(IpPool.of("private", "203.0.113.0/30")), to));
    assertThat(refused.reply().applied()).isFalse();
    assertThat(refused.reply().refusal()).contains("default/web").contains("192.0.2.0");
    assertThat(ips(allocate(svc("other")))).as("old pools still in force").containsExactly(IpAddress.of("192.0.2.1"));

    var applied = kit.<IpOwnerEntity.SetPoolsReply>runCommand(to -> new IpOwnerEntity.SetPools(
        List.of(IpPool.of("private", "192.0.2.0/30", "203.0.113.0/30")), to));
    assertThat(applied.reply().applied()).isTrue();
    assertThat(applied.events()).hasSize(1);
    assertThat(ips(allocate(svc("web")))).containsExactly(IpAddress.of("192.0.2.0"));
    var again = kit.<IpOwnerEntity.SetPoolsReply>runCommand(to -> new IpOwnerEntity.SetPools(
        List.of(IpPool.of("private", "192.0.2.0/30", "203.0.113.0/30")), to));
    assertThat(again.reply().applied()).isTrue();
    assertThat(again.hasNoEvents()).as("the same pools again change nothing").isTrue();
  }

  @Test
  void appliedPoolsSurviveARestartOnAHostWithOtherPools() {
    java.util.concurrent.atomic.AtomicReference<PoolSet> host = new java.util.concurrent.atomic.AtomicReference<>(POOLS);
    var k = EventSourcedBehaviorTestKit.<IpOwnerEntity.Command, IpOwnerEntity.Event, IpOwnerEntity.State>create(
        testKit.system(), IpOwnerEntity.create("applied-pools", host::get),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    k.clear();
    // The cluster's configuration replaces the pools the host started with.
    var applied = k.<IpOwnerEntity.SetPoolsReply>runCommand(to -> new IpOwnerEntity.SetPools(
        List.of(IpPool.of("cluster", "203.0.113.8/30")), to));
    assertThat(applied.reply().applied()).isTrue();
    AllocationResult web = k.<IpOwnerEntity.AllocateReply>runCommand(
        to -> new IpOwnerEntity.Allocate(svc("web"), to)).reply().result();
    assertThat(ips(web)).containsExactly(IpAddress.of("203.0.113.8"));

    // The entity restarts on a node that has not read the cluster's configuration yet.
    host.set(PoolSet.of(IpPool.of("file", "192.0.2.0/30")));
    k.restart();
    AllocationResult again = k.<IpOwnerEntity.AllocateReply>runCommand(
        to -> new IpOwnerEntity.Allocate(svc("web"), to)).reply().result();
    assertThat(ips(again)).as("same address after the restart").containsExactly(IpAddress.of("203.0.113.8"));
    AllocationResult other = k.<IpOwnerEntity.AllocateReply>runCommand(
        to -> new IpOwnerEntity.Allocate(svc("other"), to)).reply().result();
    assertThat(ips(other)).as("from the applied pools, not the host's").containsExactly(IpAddress.of("203.0.113.9"));
  }

  @Test
  void repliesCrossNodesIntact() {
    Serialization ser = SerializationExtension.get(testKit.system());
    ServiceKey k = new ServiceKey("ns", "web");
    List<Object> replies = List.of(
        new IpOwnerEntity.AllocateReply(new AllocationResult.Assigned(k, "private", List.of(IpAddress.of("192.0.2.1"),
            IpAddress.of("2001:db8::1")), AllocationResult.Change.ASSIGNED,
            Optional.of(new AllocationFailure.PoolNotCompatible("public")), Optional.empty())),
        new IpOwnerEntity.AllocateReply(new AllocationResult.Failed(k, new AllocationFailure.NoAvailableIps(), Optional.empty())),
        new IpOwnerEntity.AllocateReply(new AllocationResult.Failed(k,
            new AllocationFailure.PortInUse(ServicePort.udp(53), IpAddress.of("192.0.2.9")), Optional.empty())),
        new IpOwnerEntity.AllocateReply(new AllocationResult.NotHandled(k, "other class")));
    for (Object o : replies) {
      byte[] bytes = ser.serialize(o).get();
      var s = ser.findSerializerFor(o);
      Object back = ser.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, o)).get();
      assertThat(back).isEqualTo(o);
    }
  }
}
