package io.herald.k8s.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watcher's evaluation order: single changes go before a running full resync. */
class EndpointWatcherTest {

  private final ActorTestKit kit = ActorTestKit.create();

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** In-memory Services; records which keys are evaluated, in order; can act on the first read. */
  private static final class RecordingSource implements ServiceSource {
    final List<ServiceKey> keys = new ArrayList<>();
    final ConcurrentLinkedQueue<ServiceKey> evaluated = new ConcurrentLinkedQueue<>();
    Runnable onFirstRead = () -> {};

    RecordingSource(int n) {
      for (int i = 0; i < n; i++) keys.add(new ServiceKey("default", String.format("svc-%04d", i)));
    }

    @Override
    public Optional<ServiceView> service(ServiceKey key) {
      if (evaluated.isEmpty()) onFirstRead.run();
      evaluated.add(key);
      return Optional.of(new ServiceView(key, "uid", "LoadBalancer", Optional.empty(), TrafficPolicy.CLUSTER,
          List.of(), Map.of(), Map.of()));
    }

    @Override public List<EndpointView> endpoints(ServiceKey key) { return List.of(); }
    @Override public Map<String, NodeView> nodes() { return Map.of(); }
    @Override public ConfigView config() { return ConfigView.EMPTY; }
    @Override public Collection<ServiceKey> services() { return keys; }
  }

  @Test
  void aChangeDuringAFullResyncIsEvaluatedInTheNextBatch() {
    int n = 4 * EndpointWatcher.BATCH;
    RecordingSource source = new RecordingSource(n);
    ServiceKey last = source.keys.get(n - 1);
    var decisions = kit.createTestProbe(ServiceDecision.class);
    AtomicReference<ActorRef<EndpointWatcher.Command>> self = new AtomicReference<>();
    // While the first batch of the resync runs, the last Service changes.
    source.onFirstRead = () -> self.get().tell(new EndpointWatcher.ServiceDirty(last));
    ActorRef<EndpointWatcher.Command> watcher =
        kit.spawn(EndpointWatcher.create(source, AnnounceSettings.forNode("worker-1"), decisions.ref()));
    self.set(watcher);

    watcher.tell(EndpointWatcher.CachesSynced.INSTANCE);   // a full pass over every Service
    decisions.receiveSeveralMessages(n, Duration.ofSeconds(30));

    List<ServiceKey> order = List.copyOf(source.evaluated);
    assertThat(order.subList(0, EndpointWatcher.BATCH)).isEqualTo(source.keys.subList(0, EndpointWatcher.BATCH));
    assertThat(order.get(EndpointWatcher.BATCH)).as("first of the second batch").isEqualTo(last);
    // Evaluated once: the resync does not repeat a key a change already evaluated.
    assertThat(order).hasSize(n).doesNotHaveDuplicates();
    decisions.expectNoMessage(Duration.ofMillis(100));
  }
}
