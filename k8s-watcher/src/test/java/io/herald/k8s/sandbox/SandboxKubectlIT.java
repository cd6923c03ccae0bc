package io.herald.k8s.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real kubectl against the sandbox API: discovery, get -o yaml, describe with Endpoints and Events. */
class SandboxKubectlIT {

  @TempDir Path dir;
  private SandboxApi api;
  private Kubectl kubectl;

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    kubectl = Kubectl.forSandbox(api, dir);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Service createWeb() {
    Service svc = api.client().services().inNamespace("default").resource(new ServiceBuilder()
        .withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withType("LoadBalancer").withClusterIP("10.96.0.10")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080).withNodePort(30080).endPort()
        .endSpec().build()).create();
    svc.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
        .withIngress(new LoadBalancerIngressBuilder().withIp("192.0.2.10").build()).endLoadBalancer().build());
    api.client().services().inNamespace("default").resource(svc).updateStatus();
    api.client().discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("web-abc").addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("10.244.1.5").withNodeName("worker-1").withNewConditions().withReady(true).endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .build()).create();
    return svc;
  }

  @Test
  void getResolvesShortNamesAndCrdsAndPrintsYaml() throws Exception {
    createWeb();
    var yaml = kubectl.run("get", "svc", "web", "-o", "yaml");
    assertThat(yaml.exitCode()).as(yaml.stderr()).isZero();
    assertThat(yaml.stdout()).contains("kind: Service").contains("ip: 192.0.2.10");

    var jsonpath = kubectl.run("get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}");
    assertThat(jsonpath.stdout()).isEqualTo("192.0.2.10");

    var pools = kubectl.run("get", "ipaddresspools", "-A");
    assertThat(pools.exitCode()).as(pools.stderr()).isZero();

    var versions = kubectl.run("api-versions");
    assertThat(versions.stdout()).contains("metallb.io/v1beta1", "metallb.io/v1beta2", "discovery.k8s.io/v1");
  }

  @Test
  void describeShowsIngressEndpointsAndAggregatedEvents() throws Exception {
    Service web = createWeb();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    api.client().v1().events().inNamespace("default").resource(new EventBuilder()
        .withNewMetadata().withName("web.17f0a").endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Service").withName("web").withNamespace("default")
        // kubectl describe selects events by involvedObject.uid too.
        .withUid(web.getMetadata().getUid()).endInvolvedObject()
        .withType("Normal").withReason("nodeAssigned").withMessage("announcing from node \"worker-1\"")
        .withNewSource().withComponent("metallb-speaker").endSource()
        .withCount(2).withFirstTimestamp(now.minus(11, ChronoUnit.MINUTES).toString())
        .withLastTimestamp(now.minus(10, ChronoUnit.MINUTES).toString())
        .build()).create();
    var out = kubectl.run("describe", "svc", "web");
    assertThat(out.exitCode()).as(out.stderr()).isZero();
    assertThat(out.stdout())
        .contains("LoadBalancer Ingress:")
        .contains("192.0.2.10")
        .contains("10.244.1.5:8080")
        .containsPattern("Normal\\s+nodeAssigned\\s+10m \\(x2 over 11m\\)\\s+metallb-speaker\\s+announcing from node \"worker-1\"");
  }
}
