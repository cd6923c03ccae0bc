package io.herald.node.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.k8s.event.EventSpec;
import io.herald.k8s.informer.ServiceCache;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.write.EventRecorder;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.ip.ServiceAllocations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller half of MetalLB, on this node: LoadBalancer Services in, allocations, status and
 * Events out. One thread owns all state. A Service changed while its allocation is in flight is
 * marked dirty and converged again with its newest object once the reply arrives, so calls for one
 * Service never overlap and the last write reflects the last object.
 *
 * <p>Only the {@link StatusOwner owner} of a Service among the cluster's Up members allocates for
 * it and writes its status and Events, so each Service has one writer; a membership change
 * converges every Service again on its (possibly new) owner. The IP owner entity decides either
 * way, so a short overlap while members change costs a repeated, idempotent write, never a
 * different address.
 */
public final class AllocationController implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AllocationController.class);
  private static final long RETRY_MS = 1000;
  /**
   * Services per start-up decision. A part is one journal write; the next is decided while the
   * statuses of this one are written.
   */
  static final int START_UP_PART = 1000;

  private int startUpPart = START_UP_PART;

  private final ServiceCache services;
  private final ServiceAllocations allocations;
  private final Function<String, Map<String, String>> namespaceLabels;
  private final ServiceStatusWriter statusWriter;
  private final EventRecorder events;
  private final String component;
  private final Optional<String> loadBalancerClass;
  private final Supplier<Collection<String>> members;
  private final String self;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "herald-allocation-controller");
    t.setDaemon(true);
    return t;
  });

  // Owned by the loop thread.
  private final Set<ServiceKey> dirty = new LinkedHashSet<>();
  private final Set<ServiceKey> inFlight = new HashSet<>();
  /** Services this node converged as LoadBalancers: only these need a release when they go. */
  private final Set<ServiceKey> loadBalancers = new HashSet<>();
  /**
   * The Warnings last recorded for each Service. Every status write, resync and membership change
   * converges a Service again; a Warning already recorded for the same object is not recorded
   * again, so a broken annotation gives one Event (count 1) until it is fixed or changes.
   */
  private final Map<ServiceKey, Set<EventSpec>> warned = new HashMap<>();
  /**
   * The last answer that left each Service holding addresses, with the allocator inputs it
   * answered ({@link ServiceRequests#allocatorInputs}). The IP owner answers equal inputs with
   * the same addresses, UNCHANGED, for as long as its pools and the cluster's members stay as they
   * are; a change of either converges every Service again with this emptied. So a change that
   * leaves the inputs as they were (above all the Service's own status write, which comes back as
   * an update of every Service) is answered from here, without a round trip to the IP owner.
   * Answers with a warning ({@code cleared}, an additional family that failed) are not kept:
   * those Services ask again on every change, as MetalLB retries them.
   */
  private final Map<ServiceKey, Converged> converged = new HashMap<>();
  private boolean started;

  private record Converged(ServiceRequest inputs, AllocationResult.Assigned answer) {}

  /**
   * @param services every Service, from the watcher's informer, not yet started
   * @param component the Events' source component (MetalLB's {@code metallb-controller} by default)
   * @param loadBalancerClass the class of the Services this node handles (empty: those without one);
   *     others are left to their own controller and get no Events from here
   * @param members the identities of the cluster's Up members, as {@code self} is spelled
   */
  public AllocationController(ServiceCache services, ServiceAllocations allocations,
      Function<String, Map<String, String>> namespaceLabels, ServiceStatusWriter statusWriter, EventRecorder events,
      String component, Optional<String> loadBalancerClass, Supplier<Collection<String>> members, String self) {
    this.services = services;
    this.allocations = allocations;
    this.namespaceLabels = namespaceLabels;
    this.statusWriter = statusWriter;
    this.events = events;
    this.component = component;
    this.loadBalancerClass = loadBalancerClass;
    this.members = members;
    this.self = self;
    services.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Service s) {
        markDirty(ServiceRequests.key(s));
      }

      @Override
      public void onUpdate(Service before, Service after) {
        markDirty(ServiceRequests.key(after));
      }

      @Override
      public void onDelete(Service s, boolean finalStateUnknown) {
        markDirty(ServiceRequests.key(s));
      }
    });
  }

  /**
   * After the informer has synced: converges every owned LoadBalancer Service in one start-up
   * decision (Services with status IPs first, so none changes address across restarts), then
   * follows changes.
   */
  public void start() {
    run(this::startUp);
  }

  /** For tests: Services per start-up decision, set before {@link #start}. */
  AllocationController startUpPart(int services) {
    startUpPart = services;
    return this;
  }

  /** Converge every Service again (configuration or membership changed). */
  public void resyncAll() {
    run(() -> {
      converged.clear();
      services.keys().forEach(k -> dirty.add(parse(k)));
      pumpAll();
    });
  }

  /** Runs on the loop; changes arriving after {@link #close()} are dropped. */
  private void run(Runnable task) {
    try {
      loop.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      log.debug("closed: change dropped");
    }
  }

  private void markDirty(ServiceKey key) {
    run(() -> {
      dirty.add(key);
      pump(key);
    });
  }

  private void startUp() {
    // Read as they are now, every Service is in this decision: the marks of the list that came
    // before it (one per Service) have nothing left to converge.
    dirty.clear();
    converged.clear();
    List<ServiceRequest> requests = new ArrayList<>();
    Map<ServiceKey, Asked> asked = new HashMap<>();
    for (Service s : services.list()) {
      ServiceKey key = ServiceRequests.key(s);
      if (handles(s) && owns(key)) {
        loadBalancers.add(key);
        ServiceRequest request = ServiceRequests.of(s, namespaceLabels.apply(key.namespace()));
        requests.add(request);
        asked.put(key, new Asked(s, ServiceRequests.allocatorInputs(request)));
      }
    }
    // Decided a part at a time in the allocator's start-up order, each part once the one before
    // has answered: addresses already in status are still claimed before any new allocation, and
    // the first statuses are written while the next part is decided and written to the journal.
    requests.sort(Allocator.START_UP_ORDER);
    decidePart(requests, asked, 0);
  }

  /** A Service in the start-up decision: the object read and what the allocator reads of it. */
  private record Asked(Service object, ServiceRequest inputs) {}

  private void decidePart(List<ServiceRequest> ordered, Map<ServiceKey, Asked> asked, int from) {
    List<ServiceRequest> part = ordered.subList(from, Math.min(ordered.size(), from + startUpPart));
    allocations.startUp(part).whenCompleteAsync((results, error) -> {
      if (error != null) {
        // From the start, with the Services as they are then: the parts decided already are
        // answered the same (UNCHANGED) again.
        log.warn("start-up allocation of {} Services failed, retrying: {}", ordered.size(), error.toString());
        loop.schedule(this::startUp, RETRY_MS, TimeUnit.MILLISECONDS);
        return;
      }
      for (AllocationResult r : results) {
        Asked a = asked.get(r.service());
        if (a == null) continue;
        remember(a.inputs(), r);
        write(r, a.object());
      }
      int next = from + part.size();
      if (next < ordered.size()) {
        decidePart(ordered, asked, next);
        return;
      }
      log.info("start-up allocation done: {} Services", ordered.size());
      started = true;
      pumpAll();
    }, loop);
  }

  private void pumpAll() {
    for (ServiceKey k : List.copyOf(dirty)) pump(k);
  }

  private void pump(ServiceKey key) {
    if (!started || inFlight.contains(key) || !dirty.remove(key)) return;
    if (!owns(key)) return;
    Service s = services.get(key.namespace(), key.name()).orElse(null);
    if (s == null || !handles(s)) {
      // Deleted, no longer a LoadBalancer, or moved to another class: free its addresses
      // (idempotent when it held none).
      warned.remove(key);
      converged.remove(key);
      if (!loadBalancers.remove(key)) return;
      inFlight.add(key);
      allocations.release(key).whenCompleteAsync((held, error) -> {
        inFlight.remove(key);
        if (error != null) {
          loadBalancers.add(key);
          retry(key, error);
        } else {
          if (s == null) statusWriter.forget(ServiceRequests.watcherKey(key));
          else if (held) statusWriter.write(ServiceRequests.watcherKey(key), ServiceStatusWriter.Assignment.NONE);
          pump(key);
        }
      }, loop);
      return;
    }
    loadBalancers.add(key);
    ServiceRequest request = ServiceRequests.of(s, namespaceLabels.apply(key.namespace()));
    ServiceRequest inputs = ServiceRequests.allocatorInputs(request);
    Converged last = converged.get(key);
    if (last != null && last.inputs().equals(inputs)) {
      write(last.answer(), s);
      return;
    }
    // Asked again: an answer lost to a timeout may still have been applied by the IP owner.
    converged.remove(key);
    inFlight.add(key);
    allocations.allocate(request).whenCompleteAsync((r, error) -> {
      inFlight.remove(key);
      if (error != null) {
        retry(key, error);
        return;
      }
      remember(inputs, r);
      write(r, s);
      pump(key);
    }, loop);
  }

  /** Keeps {@code r} as the answer to {@code inputs}, as the IP owner would repeat it (see {@link #converged}). */
  private void remember(ServiceRequest inputs, AllocationResult r) {
    if (r instanceof AllocationResult.Assigned a && a.cleared().isEmpty() && a.additionalFailed().isEmpty()) {
      converged.put(a.service(), new Converged(inputs, new AllocationResult.Assigned(a.service(), a.pool(), a.ips(),
          AllocationResult.Change.UNCHANGED, Optional.empty(), Optional.empty())));
    } else {
      converged.remove(r.service());
    }
  }

  private void retry(ServiceKey key, Throwable error) {
    log.warn("allocation for Service {} failed, retrying: {}", key, error.toString());
    loop.schedule(() -> {
      dirty.add(key);
      pump(key);
    }, RETRY_MS, TimeUnit.MILLISECONDS);
  }

  private void write(AllocationResult r, Service s) {
    ObjectRef ref = new ObjectRef("v1", "Service", s.getMetadata().getNamespace(), s.getMetadata().getName(),
        s.getMetadata().getUid() == null ? "" : s.getMetadata().getUid());
    Map<String, String> annotations = s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
    var lb = s.getStatus() == null ? null : s.getStatus().getLoadBalancer();
    List<String> shown = lb == null || lb.getIngress() == null ? List.of()
        : lb.getIngress().stream().map(i -> i.getIp()).filter(java.util.Objects::nonNull).toList();
    // A status write already queued counts as shown: the start-up decision and the changes that
    // arrived meanwhile answer the same addresses, and IPAllocated is recorded once, not per answer.
    List<String> inStatus = statusWriter.requested(ServiceRequests.watcherKey(r.service()))
        .map(ServiceStatusWriter.Assignment::ips).orElse(shown);
    AllocationOutcome out = AllocationOutcome.of(r, ref, annotations, component, java.util.Optional.of(inStatus));
    var onObject = new ServiceStatusWriter.Assignment(shown,
        annotations.getOrDefault(ServiceStatusWriter.POOL_ANNOTATION, ""));
    out.status().ifPresent(a -> statusWriter.write(ServiceRequests.watcherKey(r.service()), a, onObject)
        .exceptionally(e -> {
          // The writer logged it; converge again so the status is not left behind.
          retry(r.service(), e);
          return false;
        }));
    Set<EventSpec> before = warned.getOrDefault(r.service(), Set.of());
    Set<EventSpec> now = new HashSet<>();
    for (EventSpec e : out.events()) {
      if (e.type() == EventSpec.Type.WARNING) {
        now.add(e);
        if (before.contains(e)) continue;
      }
      events.record(e);
    }
    if (now.isEmpty()) warned.remove(r.service());
    else warned.put(r.service(), now);
  }

  /** A LoadBalancer Service of this node's class (MetalLB's {@code --lb-class} filter). */
  private boolean handles(Service s) {
    if (!ServiceRequests.isLoadBalancer(s)) return false;
    String cls = s.getSpec().getLoadBalancerClass();
    return loadBalancerClass.equals(Optional.ofNullable(cls));
  }

  private boolean owns(ServiceKey key) {
    return StatusOwner.owner(key, members.get()).map(self::equals).orElse(true);
  }

  private static ServiceKey parse(String storeKey) {
    int slash = storeKey.indexOf('/');
    return new ServiceKey(storeKey.substring(0, slash), storeKey.substring(slash + 1));
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
