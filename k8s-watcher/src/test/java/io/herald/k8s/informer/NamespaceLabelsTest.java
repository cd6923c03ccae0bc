package io.herald.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.herald.allocator.pool.LabelSelector;
import io.herald.allocator.pool.ServiceAllocation;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.watcher.DirtySink;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Namespace labels, read for pools' {@code serviceAllocation.namespaceSelectors}. */
class NamespaceLabelsTest {

  private SandboxApi api;
  private ClusterInformers informers;
  private final BlockingQueue<ServiceKey> dirty = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    if (informers != null) informers.close();
    api.close();
  }

  private void namespace(String name, Map<String, String> labels) {
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
        .endMetadata().build()).createOr(r -> r.update());
  }

  @Test
  void labelsAreReadAndAChangeMarksTheNamespacesServices() throws Exception {
    var c = api.client();
    namespace("team-a", Map.of("env", "prod"));
    namespace("team-b", Map.of("env", "dev"));
    Objects8.loadBalancer(c, "team-a", "web", "Cluster", null);
    Objects8.loadBalancer(c, "team-a", "api", "Cluster", null);
    Objects8.loadBalancer(c, "team-b", "db", "Cluster", null);
    informers = ClusterInformers.create(c, new ClusterInformers.Settings("metallb-system", Duration.ofSeconds(15)));
    informers.start(new DirtySink() {
      @Override public void serviceDirty(ServiceKey key) { dirty.add(key); }
      @Override public void allDirty() {}
      @Override public void synced() {}
    });

    assertThat(informers.namespaceLabels("team-a")).containsEntry("env", "prod");
    assertThat(informers.namespaceLabels("team-b")).containsEntry("env", "dev");
    assertThat(informers.namespaceLabels("nowhere")).isEmpty();
    // What a pool pinned to env=prod namespaces sees.
    var prodOnly = new ServiceAllocation(0, Set.of(), List.of(LabelSelector.ofLabels(Map.of("env", "prod"))), List.of());
    assertThat(prodOnly.matches("team-a", informers.namespaceLabels("team-a"), Map.of())).isTrue();
    assertThat(prodOnly.matches("team-b", informers.namespaceLabels("team-b"), Map.of())).isFalse();

    dirty.clear();
    namespace("team-b", Map.of("env", "prod"));
    assertThat(dirty.poll(15, TimeUnit.SECONDS)).isEqualTo(new ServiceKey("team-b", "db"));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!informers.namespaceLabels("team-b").equals(Map.of("env", "prod"))) {
      assertThat(System.nanoTime()).as("label change seen").isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(prodOnly.matches("team-b", informers.namespaceLabels("team-b"), Map.of())).isTrue();
    // Only the changed namespace's Services were marked.
    Thread.sleep(200);
    assertThat(dirty).allMatch(k -> k.namespace().equals("team-b"));
  }
}
