package io.herald.k8s.write;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.herald.k8s.event.EventAggregator;
import io.herald.k8s.event.EventSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events with client-go-style aggregation ({@link EventAggregator}). Callers never
 * block: every occurrence is handed to one thread, which owns the aggregator; the writes it
 * decides on go to the API on a few threads, in order for one Event, side by side for different
 * ones (a start-up writes one or two Events per Service). Pending counts are flushed every
 * {@code minInterval}.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final ApiRequest api;
  private final Clock clock;
  private final String host;
  private final EventAggregator aggregator;
  private final ScheduledExecutorService writer;
  private final KeyedExecutor requests = new KeyedExecutor("herald-event-writer", ServiceStatusWriter.WRITERS);
  private volatile WriteTurn turn = WriteTurn.NOW;
  /** Writes handed to {@link #requests} and not finished, for {@link #drain()}. */
  private final java.util.Set<CompletableFuture<?>> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param host the {@code source.host} of written Events (the node name for the speaker)
   * @param minInterval at most one write per Event in this interval
   */
  public EventRecorder(KubernetesClient client, Clock clock, String host, Duration minInterval) {
    this.client = client;
    this.api = new ApiRequest(client);
    this.clock = clock;
    this.host = host;
    this.aggregator = new EventAggregator(minInterval, Duration.ofHours(1));
    this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "herald-event-recorder");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(1, minInterval.toMillis());
    writer.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Records one occurrence now; returns at once. */
  public void record(EventSpec spec) {
    Instant now = clock.instant();
    writer.execute(() -> aggregator.observe(spec, now).ifPresent(this::send));
  }

  /** Runs every queued write and flush; for tests and orderly shutdown. */
  public void drain() throws InterruptedException {
    var done = new java.util.concurrent.CountDownLatch(1);
    writer.execute(() -> {
      flush();
      done.countDown();
    });
    done.await();
    for (CompletableFuture<?> f : List.copyOf(inFlight)) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        // logged by write
      }
    }
  }

  private void send(EventAggregator.Write w) {
    CompletableFuture<Void> f = requests.submit(w.name(), () -> {
      write(w);
      return null;
    });
    inFlight.add(f);
    f.whenComplete((r, e) -> inFlight.remove(f));
  }

  private void flush() {
    try {
      aggregator.flush(clock.instant()).forEach(this::send);
    } catch (RuntimeException e) {
      log.warn("event flush failed: {}", e.toString());
    }
  }

  /**
   * Lets more urgent writes go before each of this recorder's requests (e.g. {@link
   * ServiceStatusWriter#firstTurn}); set before the first record.
   */
  public EventRecorder turn(WriteTurn turn) {
    this.turn = java.util.Objects.requireNonNull(turn, "turn");
    return this;
  }

  private void write(EventAggregator.Write w) {
    turn.await();
    EventSpec s = w.spec();
    String ns = s.involved().namespace();
    try {
      if (w.create()) {
        create(ns, w);
      } else {
        String patch = "{\"count\":" + w.count() + ",\"lastTimestamp\":\"" + time(w.last()) + "\"}";
        api.send("PATCH", ApiRequest.core(ns, "events") + "/" + w.name(), "application/merge-patch+json", patch);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 && !w.create()) {
        // The Event expired or was deleted: create it again with the count so far.
        try {
          create(ns, w);
          return;
        } catch (KubernetesClientException again) {
          e = again;
        }
      }
      log.warn("event {} {} on {}/{} not written: {}", s.type().text(), s.reason(), ns, s.involved().name(), e.getMessage());
    }
  }

  private void create(String ns, EventAggregator.Write w) {
    api.send("POST", ApiRequest.core(ns, "events"), "application/json",
        client.getKubernetesSerialization().asJson(build(w)));
  }

  private Event build(EventAggregator.Write w) {
    EventSpec s = w.spec();
    return new EventBuilder()
        .withNewMetadata().withName(w.name()).withNamespace(s.involved().namespace()).endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(s.involved().apiVersion()).withKind(s.involved().kind())
        .withNamespace(s.involved().namespace()).withName(s.involved().name()).withUid(s.involved().uid())
        .endInvolvedObject()
        .withType(s.type().text()).withReason(s.reason()).withMessage(s.message())
        .withNewSource().withComponent(s.component()).withHost(host).endSource()
        .withReportingComponent(s.component()).withReportingInstance(host)
        .withCount(w.count()).withFirstTimestamp(time(w.first())).withLastTimestamp(time(w.last()))
        .build();
  }

  /** RFC 3339 seconds, as Kubernetes writes {@code metav1.Time}. */
  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requests.close();
  }
}
