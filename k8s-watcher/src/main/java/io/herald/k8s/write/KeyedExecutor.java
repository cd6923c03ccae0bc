package io.herald.k8s.write;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs tasks on a few threads so that the tasks of one key run one at a time, in the order they
 * were submitted, while tasks of different keys run side by side. API writes to one object must
 * not overtake each other; writes to different objects need not wait for each other's round trip.
 */
final class KeyedExecutor implements AutoCloseable {
  /** How long an idle thread stays. */
  static final long IDLE_SECONDS = 10;

  private final ExecutorService threads;
  /** The last task submitted per key, until it has run: what the next task of that key waits for. */
  private final Map<Object, CompletableFuture<?>> tails = new HashMap<>();

  KeyedExecutor(String name, int threadCount) {
    this(name, threadCount, TimeUnit.SECONDS.toMillis(IDLE_SECONDS));
  }

  KeyedExecutor(String name, int threadCount, long idleMillis) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threadCount, threadCount, idleMillis, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    // Writes come in bursts: between them a quiet node keeps none of these threads (and stacks).
    pool.allowCoreThreadTimeOut(true);
    threads = pool;
  }

  /** Runs {@code task} after every task submitted before with the same key has finished (well or not). */
  synchronized <T> CompletableFuture<T> submit(Object key, Supplier<T> task) {
    CompletableFuture<?> before = tails.get(key);
    CompletableFuture<T> next = before == null
        ? CompletableFuture.supplyAsync(task, threads)
        : before.handleAsync((r, e) -> task.get(), threads);
    tails.put(key, next);
    next.whenComplete((r, e) -> {
      synchronized (this) {
        tails.remove(key, next);
      }
    });
    return next;
  }

  /** Whether a task of {@code key} is waiting or running; once false, what they wrote is visible. */
  synchronized boolean busy(Object key) {
    return tails.containsKey(key);
  }

  @Override
  public void close() {
    threads.shutdown();
  }
}
