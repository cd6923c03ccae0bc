package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.Allocator;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.informer.ServiceCache;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.write.EventRecorder;
import io.herald.k8s.write.ServiceStatusWriter;
import io.herald.node.Collector;
import io.herald.node.ip.IpOwnerEntity;
import io.herald.node.ip.ServiceAllocations;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The allocation controller against a sandbox API, with the informer's events played by the test
 * and the IP owner replaced by a plain allocator that counts what it is asked: which changes of a
 * Service need a decision of the IP owner, and which are answered by the last one.
 */
class AllocationControllerTest {

  SandboxApi api;
  KubernetesClient client;
  ServiceStatusWriter statusWriter;
  EventRecorder events;
  AllocationController controller;
  final SandboxCache cache = new SandboxCache();
  final CountingAllocations allocations = new CountingAllocations(
      new Allocator(PoolSet.of(IpPool.of("private", "192.0.2.0/30"))));

  /** The Services as the API holds them now; the informer's events are sent by the test. */
  final class SandboxCache implements ServiceCache {
    final List<ResourceEventHandler<? super Service>> handlers = new CopyOnWriteArrayList<>();

    @Override
    public Optional<Service> get(String namespace, String name) {
      return Optional.ofNullable(client.services().inNamespace(namespace).withName(name).get());
    }

    @Override
    public List<Service> list() {
      return client.services().inAnyNamespace().list().getItems();
    }

    @Override
    public List<String> keys() {
      return list().stream().map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()).toList();
    }

    @Override
    public void addEventHandler(ResourceEventHandler<? super Service> handler) {
      handlers.add(handler);
    }

    void added(Service s) {
      handlers.forEach(h -> h.onAdd(s));
    }

    void updated(Service s) {
      handlers.forEach(h -> h.onUpdate(s, s));
    }
  }

  /** The IP owner's answers from one allocator, and every question it was asked. */
  static final class CountingAllocations implements ServiceAllocations {
    final Allocator allocator;
    final List<ServiceKey> asked = new CopyOnWriteArrayList<>();
    final List<Integer> startUps = new CopyOnWriteArrayList<>();

    CountingAllocations(Allocator allocator) {
      this.allocator = allocator;
    }

    @Override
    public synchronized CompletionStage<AllocationResult> allocate(ServiceRequest request) {
      asked.add(request.key());
      return CompletableFuture.completedFuture(allocator.allocate(request));
    }

    @Override
    public synchronized CompletionStage<List<AllocationResult>> startUp(Collection<ServiceRequest> requests) {
      startUps.add(requests.size());
      return CompletableFuture.completedFuture(allocator.startUp(requests));
    }

    @Override
    public synchronized CompletionStage<Boolean> release(ServiceKey service) {
      return CompletableFuture.completedFuture(allocator.release(service));
    }

    @Override
    public CompletionStage<IpOwnerEntity.SetPoolsReply> setPools(PoolSet pools) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<IpOwnerEntity.Snapshot> snapshot() {
      throw new UnsupportedOperationException();
    }

    long askedFor(String name) {
      return asked.stream().filter(k -> k.name().equals(name)).count();
    }
  }

  @BeforeEach
  void setUp() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    client = api.client();
    statusWriter = new ServiceStatusWriter(client);
    events = new EventRecorder(client, Clock.systemUTC(), "", Duration.ofMillis(10));
    controller = new AllocationController(cache, allocations, ns -> Map.of(), statusWriter, events,
        MetallbEvents.CONTROLLER, Optional.empty(), () -> List.of("node-a"), "node-a");
  }

  @AfterEach
  void tearDown() {
    controller.close();
    events.close();
    statusWriter.close();
    client.close();
    api.close();
  }

  private Service create(String name, int port) {
    return client.services().inNamespace("default").resource(service(name, port)).create();
  }

  private static Service service(String name, int port) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withType("LoadBalancer").addNewPort().withProtocol("TCP").withPort(port).endPort().endSpec()
        .build();
  }

  private Service current(String name) {
    return client.services().inNamespace("default").withName(name).get();
  }

  private List<String> ingress(String name) {
    Service s = current(name);
    if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return s.getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
  }

  /** Starts the controller as the wiring does: the informer's list first (an add per Service), then start. */
  private void startWith(String... names) throws InterruptedException {
    for (String n : names) cache.added(current(n));
    controller.start();
    for (String n : names) Collector.await("status of " + n, () -> !ingress(n).isEmpty());
  }

  /** Changes {@code name}'s port and waits for its (new) decision: every change sent before is handled by then. */
  private void barrier(String name, int port) throws InterruptedException {
    long before = allocations.askedFor(name);
    Service s = current(name);
    s.getSpec().getPorts().get(0).setPort(port);
    cache.updated(client.services().inNamespace("default").resource(s).update());
    Collector.await("a decision for " + name, () -> allocations.askedFor(name) > before);
  }

  @Test
  void theStartUpListAndEachServicesOwnStatusWriteAskTheIpOwnerNothing() throws Exception {
    create("web", 80);
    create("api", 80);
    create("db", 5432);

    startWith("web", "api", "db");
    // The status writes come back as updates of each Service.
    for (String n : List.of("web", "api", "db")) cache.updated(current(n));
    barrier("db", 5433);

    assertThat(allocations.startUps).containsExactly(3);
    assertThat(allocations.askedFor("web")).isZero();
    assertThat(allocations.askedFor("api")).isZero();
    assertThat(allocations.askedFor("db")).isEqualTo(1);
    assertThat(ingress("web")).hasSize(1);
    // One IPAllocated per Service, as when every change went to the IP owner.
    events.drain();
    assertThat(client.v1().events().inNamespace("default").list().getItems())
        .filteredOn(e -> e.getReason().equals("IPAllocated")).hasSize(3);
  }

  @Test
  void aChangeOfWhatTheAllocatorReadsIsDecidedAgain() throws Exception {
    create("web", 80);
    startWith("web");
    String ip = ingress("web").get(0);

    // The address-pool annotation names a pool that does not exist: the IP owner says so.
    Service s = current("web");
    s.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("metallb.io/address-pool", "public")));
    cache.updated(client.services().inNamespace("default").resource(s).update());
    Collector.await("the status cleared", () -> ingress("web").isEmpty());
    assertThat(allocations.askedFor("web")).isEqualTo(1);

    // A failed answer is asked again on every change, as MetalLB retries it.
    for (int i = 2; i <= 3; i++) {
      int n = i;
      cache.updated(current("web"));
      Collector.await("asked again", () -> allocations.askedFor("web") == n);
    }

    // Back to the pool it came from: decided, and the address it had is free for it again.
    s = current("web");
    s.getMetadata().setAnnotations(new java.util.HashMap<>());
    cache.updated(client.services().inNamespace("default").resource(s).update());
    Collector.await("an address again", () -> !ingress("web").isEmpty());
    assertThat(ingress("web")).containsExactly(ip);
  }

  @Test
  void aResyncAsksTheIpOwnerAboutEveryServiceAgain() throws Exception {
    create("web", 80);
    create("api", 80);
    startWith("web", "api");

    // A new configuration or new members: the last answers may no longer hold.
    controller.resyncAll();
    Collector.await("web and api decided again",
        () -> allocations.askedFor("web") == 1 && allocations.askedFor("api") == 1);
    cache.updated(current("web"));
    barrier("api", 81);
    assertThat(allocations.askedFor("web")).isEqualTo(1);
  }

  @Test
  void aDeletedServiceIsReleasedAndItsNameStartsAfresh() throws Exception {
    create("web", 80);
    startWith("web");
    Service gone = current("web");
    client.services().inNamespace("default").withName("web").delete();
    cache.handlers.forEach(h -> h.onDelete(gone, false));
    Collector.await("released", () -> allocations.allocator.allocation(new ServiceKey("default", "web")).isEmpty());

    Service again = create("web", 80);
    cache.added(again);
    Collector.await("a new decision", () -> allocations.askedFor("web") == 1);
    Collector.await("an address again", () -> !ingress("web").isEmpty());
  }


  @Test
  void aStatusEditedByHandIsPutBack() throws Exception {
    create("web", 80);
    startWith("web");
    String ip = ingress("web").get(0);

    Service edited = client.services().inNamespace("default").withName("web").editStatus(s -> {
      s.getStatus().getLoadBalancer().getIngress().get(0).setIp("192.0.2.3");
      return s;
    });
    cache.updated(edited);

    Collector.await("the address put back", () -> ingress("web").equals(List.of(ip)));
  }

  @Test
  void aRestartFindingEveryStatusAsItWasWritesNone() throws Exception {
    create("web", 80);
    startWith("web");
    long patches = api.requests().getOrDefault("PATCH services/status", 0L);
    controller.close();
    statusWriter.close();

    // A new process: the same IP owner (its journal), a writer that has written nothing yet.
    statusWriter = new ServiceStatusWriter(client);
    controller = new AllocationController(cache, allocations, ns -> Map.of(), statusWriter, events,
        MetallbEvents.CONTROLLER, Optional.empty(), () -> List.of("node-a"), "node-a");
    cache.handlers.remove(0);
    startWith("web");
    Collector.await("the start-up decision", () -> allocations.startUps.size() == 2);
    barrier("web", 81);

    assertThat(api.requests().getOrDefault("PATCH services/status", 0L)).isEqualTo(patches);
  }

  @Test
  void theStartUpIsDecidedInPartsAndAddressesInStatusStillGoFirst() throws Exception {
    // z-old holds 192.0.2.0, the address a new Service would get first; a-new sorts before it.
    create("z-old", 80);
    client.services().inNamespace("default").withName("z-old").editStatus(s -> {
      s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
          .addNewIngress().withIp("192.0.2.0").endIngress().endLoadBalancer().build());
      return s;
    });
    create("a-new", 80);
    create("b-new", 80);
    controller.startUpPart(1);

    startWith("a-new", "b-new", "z-old");

    assertThat(allocations.startUps).containsExactly(1, 1, 1);
    assertThat(ingress("z-old")).containsExactly("192.0.2.0");
    assertThat(ingress("a-new")).doesNotContain("192.0.2.0");
    assertThat(ingress("b-new")).doesNotContain("192.0.2.0").doesNotContainAnyElementsOf(ingress("a-new"));
  }

  @Test
  void aStartUpWithoutServicesStillStarts() throws Exception {
    controller.start();
    Collector.await("the start-up decision", () -> allocations.startUps.equals(List.of(0)));
    create("web", 80);
    cache.added(current("web"));
    Collector.await("web's address", () -> !ingress("web").isEmpty());
  }
}
