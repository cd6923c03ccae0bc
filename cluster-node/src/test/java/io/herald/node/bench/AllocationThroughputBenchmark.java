package io.herald.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.node.CborSerializable;
import io.herald.node.HeraldNode;
import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test (no timing assertion; run it with {@code -Dtest=AllocationThroughputBenchmark}):
 * N Services allocated at once through one node, beside the raw append rate of a single
 * persistent actor on the same journal in the same run. Prints both rates.
 */
class AllocationThroughputBenchmark {
  private static final int N = Integer.getInteger("herald.bench.services", 2000);

  record Append(int n, ActorRef<Done> replyTo) implements CborSerializable {}

  record Appended(int n) implements CborSerializable {}

  /** One writer appending one event per command: the journal's own single-writer rate. */
  static final class Raw extends EventSourcedBehavior<Append, Appended, Integer> {
    Raw(PersistenceId id) {
      super(id);
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Append, Appended, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Append.class, (s, c) -> Effect().persist(new Appended(c.n())).thenRun(x -> c.replyTo().tell(Done.getInstance())))
          .build();
    }

    @Override
    public EventHandler<Integer, Appended> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onEvent(Appended.class, (s, e) -> s + 1).build();
    }
  }

  @Test
  void measure() throws Exception {
    Path dir = Files.createTempDirectory("herald-bench");
    String pools = TestNodes.ONE_POOL.replace("192.0.2.0/26", "10.0.0.0/16");
    HeraldNode node = HeraldNode.start(TestNodes.settings("bench", TestNodes.freePort(), List.of(),
        new NodeSettings.Journal.H2(dir.resolve("journal")), Duration.ZERO), TestNodes.config(pools), TestNodes.FAST);
    try {
      Behavior<Append> raw = new Raw(PersistenceId.ofUniqueId("raw-bench"));
      ActorRef<Append> writer = node.system().systemActorOf(raw, "raw-bench", org.apache.pekko.actor.typed.Props.empty());
      // Warm both paths, then measure.
      runRaw(node, writer, 200, 0);
      runAllocations(node, 200, 0);
      long t0 = System.nanoTime();
      runRaw(node, writer, N, 1000);
      double rawSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      Set<IpAddress> ips = runAllocations(node, N, 1000);
      double allocSeconds = (System.nanoTime() - t1) / 1e9;
      assertThat(ips).hasSize(N);
      System.out.printf("raw journal append: %d events in %.2f s = %.0f/s%n", N, rawSeconds, N / rawSeconds);
      System.out.printf("allocations:        %d Services in %.2f s = %.0f/s (%.0f%% of raw)%n", N, allocSeconds,
          N / allocSeconds, 100 * rawSeconds / allocSeconds);
    } finally {
      node.system().terminate();
      node.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** In windows of 2000 asks: a typed persistent actor stashes at most 4096 commands while it writes. */
  static void runRaw(HeraldNode node, ActorRef<Append> writer, int n, int offset) throws Exception {
    for (int start = 0; start < n; start += 2000) {
      rawWindow(node, writer, Math.min(2000, n - start), offset + start);
    }
  }

  private static void rawWindow(HeraldNode node, ActorRef<Append> writer, int n, int offset) throws Exception {
    List<CompletableFuture<Done>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = offset + i;
      all.add(AskPattern.<Append, Done>ask(writer, r -> new Append(k, r), Duration.ofSeconds(120),
          node.system().scheduler()).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
  }

  private static Set<IpAddress> runAllocations(HeraldNode node, int n, int offset) throws Exception {
    List<CompletableFuture<AllocationResult>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(node.allocations().allocate(ServiceRequest.builder("bench", "svc-" + (offset + i))
          .ports(ServicePort.tcp(80)).build()).toCompletableFuture());
    }
    Set<IpAddress> ips = new HashSet<>();
    for (var f : all) {
      ips.addAll(((AllocationResult.Assigned) f.get(300, TimeUnit.SECONDS)).ips());
    }
    return ips;
  }
}
