package io.herald.k8s.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.write.ServiceStatusWriter.Assignment;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceStatusWriterTest {

  SandboxApi api;
  KubernetesClient client;
  ServiceStatusWriter writer;
  final ServiceKey web = new ServiceKey("default", "web");

  @BeforeEach
  void setUp() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    client = api.client();
    client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
        .withNamespace("default").endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(80)
        .endPort().endSpec().build()).create();
    writer = new ServiceStatusWriter(client);
  }

  @AfterEach
  void tearDown() {
    writer.close();
    client.close();
    api.close();
  }

  private long patches() {
    return api.requests().getOrDefault("PATCH services/status", 0L);
  }

  private List<String> ingress() {
    var lb = client.services().inNamespace("default").withName("web").get().getStatus().getLoadBalancer();
    return lb.getIngress().stream().map(i -> i.getIp()).toList();
  }

  @Test
  void aWriteOfWhatIsWrittenAlreadySendsNothingAndAChangeBackIsWritten() throws Exception {
    Assignment first = new Assignment(List.of("192.0.2.1"), "private");
    Assignment second = new Assignment(List.of("192.0.2.2"), "private");

    assertThat(writer.write(web, first).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(patches()).isEqualTo(1);

    // Converged again with the same answer (its own status write came back as an update).
    var again = writer.write(web, new Assignment(List.of("192.0.2.1"), "private"));
    assertThat(again).isCompletedWithValue(false);
    assertThat(patches()).isEqualTo(1);

    assertThat(writer.write(web, second).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ingress()).containsExactly("192.0.2.2");
    // Equal to a write made before, not to the last one: written again.
    assertThat(writer.write(web, first).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ingress()).containsExactly("192.0.2.1");
    assertThat(patches()).isEqualTo(3);
  }

  @Test
  void aWriteQueuedBehindAnotherIsNeverSkipped() throws Exception {
    Assignment first = new Assignment(List.of("192.0.2.1"), "private");
    Assignment second = new Assignment(List.of("192.0.2.2"), "private");
    writer.write(web, first).get(10, TimeUnit.SECONDS);

    // The second is queued or running when the first is asked for again: the first must follow it.
    var toSecond = writer.write(web, second);
    var back = writer.write(web, first);
    toSecond.get(10, TimeUnit.SECONDS);
    back.get(10, TimeUnit.SECONDS);

    assertThat(ingress()).containsExactly("192.0.2.1");
  }

  @Test
  void aServiceShowingTheAssignmentAlreadyNeedsNoRequest() throws Exception {
    Assignment first = new Assignment(List.of("192.0.2.1"), "private");
    // As a restarted node finds it: the status its last run wrote.
    assertThat(writer.write(web, first, first)).isCompletedWithValue(false);
    assertThat(patches()).isZero();
    assertThat(writer.requested(web)).contains(first);
  }

  @Test
  void aStatusChangedBySomeoneElseIsPutBack() throws Exception {
    Assignment mine = new Assignment(List.of("192.0.2.1"), "private");
    writer.write(web, mine).get(10, TimeUnit.SECONDS);
    // An edit by hand (kubectl edit --subresource=status) ...
    client.services().inNamespace("default").withName("web").editStatus(s -> {
      s.getStatus().getLoadBalancer().getIngress().get(0).setIp("192.0.2.99");
      return s;
    });
    assertThat(ingress()).containsExactly("192.0.2.99");

    // ... seen on the next update: what the node decided is written again.
    Assignment shown = new Assignment(List.of("192.0.2.99"), "private");
    long before = patches();
    assertThat(writer.write(web, mine, shown).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ingress()).containsExactly("192.0.2.1");
    assertThat(patches()).isEqualTo(before + 1);
  }
}
