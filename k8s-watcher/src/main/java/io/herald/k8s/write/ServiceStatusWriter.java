package io.herald.k8s.write;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.herald.k8s.model.ServiceKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Service's {@code status.loadBalancer.ingress} and its
 * {@code metallb.io/ip-allocated-from-pool} annotation, together, through the status subresource.
 * Writes to one Service run one at a time and keep their order; writes to different Services run
 * side by side on a few threads, so that a burst (thousands of Services at start-up) is not one
 * API round trip after the other. A write equal to the last one made is skipped.
 */
public final class ServiceStatusWriter implements AutoCloseable {

  public static final String POOL_ANNOTATION = "metallb.io/ip-allocated-from-pool";

  private static final Logger log = LoggerFactory.getLogger(ServiceStatusWriter.class);

  /** What was written for a Service: its IPs and pool (both empty when cleared). */
  public record Assignment(List<String> ips, String pool) {
    public Assignment {
      ips = List.copyOf(ips);
      Objects.requireNonNull(pool, "pool");
    }

    public static final Assignment NONE = new Assignment(List.of(), "");
  }

  private final ApiRequest api;
  /** Requests in flight at once: enough to hide the round trip, few enough not to flood the API. */
  static final int WRITERS = 8;

  private final KeyedExecutor writer = new KeyedExecutor("herald-status-writer", WRITERS);
  private final Map<ServiceKey, Assignment> written = new ConcurrentHashMap<>();
  /** The last assignment asked for per Service, written or still queued. */
  private final Map<ServiceKey, Assignment> requested = new ConcurrentHashMap<>();
  /** Writes asked for and not finished; {@link #idle} is notified when it falls to zero. */
  private final AtomicInteger pending = new AtomicInteger();
  private final Object idle = new Object();

  public ServiceStatusWriter(KubernetesClient client) {
    this.api = new ApiRequest(client);
  }

  /**
   * Sets the ingress IPs and the pool annotation; {@link Assignment#NONE} clears both. Completes
   * with true when a write was made, false when it was already so; exceptionally on API errors.
   */
  public CompletableFuture<Boolean> write(ServiceKey key, Assignment a) {
    // Written already and nothing queued behind it: the usual case when a Service's own status
    // write comes back as an update and is converged again. No task, no thread hand-off.
    if (a.equals(written.get(key)) && !writer.busy(key)) return CompletableFuture.completedFuture(false);
    // An equal assignment asked for again keeps the instance already held, so that what is asked
    // for and what is written share one object per Service.
    Assignment kept = requested.merge(key, a, (old, fresh) -> old.equals(fresh) ? old : fresh);
    pending.incrementAndGet();
    CompletableFuture<Boolean> done;
    try {
      done = writer.submit(key, () -> apply(key, kept));
    } catch (RuntimeException e) {
      finished();   // closed: nothing is pending for it
      throw e;
    }
    done.whenComplete((r, e) -> finished());
    return done;
  }

  /**
   * {@link #write} knowing what the Service object shows now ({@code shown}, from the informer):
   * when nothing is queued for it, a Service that already shows {@code a} needs no request (a
   * restarted node finds every status as it left it), and one that shows something else while
   * {@code a} is what this writer wrote last has been changed by someone else (an edit by hand,
   * another controller) and is written again, as MetalLB's controller puts its status back.
   */
  public CompletableFuture<Boolean> write(ServiceKey key, Assignment a, Assignment shown) {
    if (!writer.busy(key)) {
      if (a.equals(shown)) {
        requested.put(key, a);
        written.put(key, a);
        return CompletableFuture.completedFuture(false);
      }
      written.remove(key, a);
    }
    return write(key, a);
  }

  private void finished() {
    if (pending.decrementAndGet() == 0) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /**
   * A turn for the writers of what follows an address (Events, the per-node status objects): it
   * waits while Service status writes are queued or running, at most {@code maxWait} each time.
   * In a burst (thousands of Services at start-up) every address then reaches its Service first,
   * which is what users and their tools wait for, and the records follow; a writer is never held
   * back longer than {@code maxWait}, so they keep moving even under a steady stream of statuses.
   * With no burst there is nothing to wait for.
   */
  public WriteTurn firstTurn(Duration maxWait) {
    long max = maxWait.toNanos();
    return () -> {
      long deadline = System.nanoTime() + max;
      synchronized (idle) {
        while (pending.get() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return;
          try {
            TimeUnit.NANOSECONDS.timedWait(idle, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    };
  }

  /**
   * The last assignment asked for {@code key} by {@link #write}, whether written yet or not: what
   * the Service's status shows once the writes queued now are done.
   */
  public Optional<Assignment> requested(ServiceKey key) {
    return Optional.ofNullable(requested.get(key));
  }

  private boolean apply(ServiceKey key, Assignment a) {
    if (a.equals(written.get(key))) return false;
    try {
      api.send("PATCH", ApiRequest.core(key.namespace(), "services") + "/" + key.name() + "/status",
          "application/merge-patch+json", patch(a));
    } catch (KubernetesClientException e) {
      written.remove(key);
      requested.remove(key, a);
      log.warn("status of Service {} not written: {}", key, e.getMessage());
      throw e;
    }
    written.put(key, a);
    return true;
  }

  /**
   * One JSON merge patch (RFC 7386) for the status subresource with the ingress IPs and the pool
   * annotation: a Service's status strategy resets only the spec, so the annotation written
   * there is kept, and the address and its pool appear in one write (one new version, one watch
   * event) instead of two. A cleared pool removes the annotation (null in a merge patch).
   */
  private static String patch(Assignment a) {
    String ingress = a.ips().stream().map(ip -> "{\"ip\":\"" + ip + "\",\"ipMode\":\"VIP\"}")
        .collect(Collectors.joining(","));
    String pool = a.pool().isEmpty() ? "null" : "\"" + a.pool() + "\"";
    return "{\"metadata\":{\"annotations\":{\"" + POOL_ANNOTATION + "\":" + pool + "}},"
        + "\"status\":{\"loadBalancer\":{\"ingress\":[" + ingress + "]}}}";
  }

  /** Forgets a deleted Service. */
  public void forget(ServiceKey key) {
    requested.remove(key);
    writer.submit(key, () -> written.remove(key));
  }

  @Override
  public void close() {
    writer.close();
  }
}
