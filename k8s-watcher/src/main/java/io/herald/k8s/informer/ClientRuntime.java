package io.herald.k8s.informer;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The threads every Kubernetes client of this process runs on: one Vert.x instance with two event
 * loops for their HTTP and WebSocket traffic, and one small pool for their tasks (watch events,
 * informer handlers, response callbacks).
 *
 * <p>fabric8's defaults give each client its own Vert.x with two event loops per core and an
 * unbounded cached thread pool for its tasks. A task handed to that pool goes to a parked thread,
 * which is woken for it, and a watch event passes several such hand-overs (the watch's serial
 * executor, then the informer's). At start-up with 10,000 Services that came to 28 context
 * switches per Service across the process, 8 of them on that pool alone. Here a worker that
 * finishes a task takes the next one queued without sleeping, and the clients' connections share
 * two event loops: 14 to 16 switches per Service, and about a fifth less CPU.
 *
 * <p>The pool is a {@link ForkJoinPool} so that a task that waits for a {@code CompletableFuture}
 * (a blocking client call from a handler) does not starve the others: {@code get} and
 * {@code join} in a worker block through {@link ForkJoinPool#managedBlock}, and the pool starts
 * another worker meanwhile. Herald's own handlers only hand work on. Idle workers end after a
 * minute; the event loops' threads are daemons and live with the process.
 */
public final class ClientRuntime {

  /**
   * Two, not one: fabric8 reads an informer's list on the event loop that received it, and at
   * start-up the Services' and the EndpointSlices' lists (10,000 objects each in the API benchmark)
   * are read side by side. With one loop the informers synced 0.1 to 0.2 s later and every Service
   * had its status about 6 % later, for no fewer context switches.
   */
  static final int EVENT_LOOPS = 2;

  /** Workers kept busy at once; more are started only while one waits (see above). */
  static final int PARALLELISM = 2;

  private static Vertx vertx;
  private static ForkJoinPool tasks;

  private ClientRuntime() {}

  /** The Vert.x instance shared by this process's clients; created on first use. */
  public static synchronized Vertx vertx() {
    if (vertx == null) vertx = createVertx();
    return vertx;
  }

  /** The task pool shared by this process's clients; created on first use. */
  public static synchronized Executor tasks() {
    if (tasks == null) {
      tasks = new ForkJoinPool(PARALLELISM, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("herald-kube-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, true); // FIFO: tasks a worker submits (a serial executor's next) run in order
    }
    return tasks;
  }

  private static Vertx createVertx() {
    VertxOptions options = new VertxOptions()
        .setEventLoopPoolSize(EVENT_LOOPS)
        .setUseDaemonThread(true)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
    // As fabric8 does for the Vert.x it makes: host names (kubernetes.default.svc, a kubeconfig's
    // server) go through the JVM's resolver, which follows /etc/hosts and the search domains, not
    // Vert.x's own DNS client. The setting is read once, while the instance is built.
    String property = "vertx.disableDnsResolver";
    String before = System.getProperty(property);
    System.setProperty(property, "true");
    try {
      return Vertx.vertx(options);
    } finally {
      if (before == null) System.clearProperty(property);
      else System.setProperty(property, before);
    }
  }
}
