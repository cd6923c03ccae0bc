package io.herald.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.herald.k8s.sandbox.SandboxApi;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClientRuntimeTest {

  @Test
  void clientsShareOneVertxAndTheirHandlersRunOnTheSharedPool() throws Exception {
    try (SandboxApi api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient a = WatchEventSerialization.client(api.config());
        KubernetesClient b = WatchEventSerialization.client(api.config())) {
      Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
      Set<String> names = ConcurrentHashMap.newKeySet();
      CountDownLatch seen = new CountDownLatch(3);
      var informer = a.configMaps().inNamespace("default").inform(new ResourceEventHandler<ConfigMap>() {
        @Override
        public void onAdd(ConfigMap m) {
          handlerThreads.add(Thread.currentThread().getName());
          // A blocking call from a handler, through the other client: answered on the same loop
          // and pool while this task waits.
          if (b.configMaps().inNamespace("default").withName(m.getMetadata().getName()).get() != null) {
            names.add(m.getMetadata().getName());
          }
          seen.countDown();
        }

        @Override
        public void onUpdate(ConfigMap before, ConfigMap after) {}

        @Override
        public void onDelete(ConfigMap m, boolean unknown) {}
      });
      try {
        for (String n : List.of("one", "two", "three")) {
          b.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName(n)
              .endMetadata().addToData("k", n).build()).create();
        }
        assertThat(seen.await(30, TimeUnit.SECONDS)).as("every ConfigMap handled").isTrue();
      } finally {
        informer.close();
      }
      assertThat(names).containsExactlyInAnyOrder("one", "two", "three");
      assertThat(handlerThreads).isNotEmpty().allMatch(t -> t.startsWith("herald-kube-"), "a thread of the shared pool");
    }
  }

  @Test
  void tasksThatWaitForEachOtherDoNotStarveThePool() throws Exception {
    // More tasks than workers, each waiting until all have started: a pool of fixed size would
    // hang here. A worker waiting in join() lets the pool start another.
    int tasks = ClientRuntime.PARALLELISM * 3;
    CompletableFuture<Void> allStarted = new CompletableFuture<>();
    AtomicInteger started = new AtomicInteger();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      done.add(CompletableFuture.runAsync(() -> {
        if (started.incrementAndGet() == tasks) allStarted.complete(null);
        allStarted.join();
      }, ClientRuntime.tasks()));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(started).hasValue(tasks);
  }

  @Test
  void theSharedRuntimeIsCreatedOnce() {
    assertThat(ClientRuntime.vertx()).isSameAs(ClientRuntime.vertx());
    assertThat(ClientRuntime.tasks()).isSameAs(ClientRuntime.tasks());
  }
}
