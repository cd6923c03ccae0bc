package io.herald.k8s.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.config.ConfigResult;
import io.herald.k8s.config.ConfigStatus;
import io.herald.k8s.config.ObjectError;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.sandbox.Kubectl;
import io.herald.k8s.sandbox.SandboxApi;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status resources as an operator reads them with the real kubectl. */
class StatusResourcesKubectlIT {

  @TempDir Path dir;
  private SandboxApi api;

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void kubectlShowsServiceStatusesAndTheConfigurationState() throws Exception {
    Kubectl kubectl = Kubectl.forSandbox(api, dir);
    ServiceKey web = new ServiceKey("default", "web");
    try (var w = new AnnouncementStatusWriter(api.client(), "metallb-system", "worker-1")) {
      w.publish(new ServiceDecision(web,
          new AnnounceDecision.Announce(AnnounceProtocol.BGP, List.of("192.0.2.10"), List.of("bgp"), List.of("tor"), List.of()),
          new AnnounceDecision.Announce(AnnounceProtocol.LAYER2, List.of("192.0.2.10"), List.of("l2"), List.of(), List.of("eth1"))))
          .get(20, TimeUnit.SECONDS);
    }
    var bgp = kubectl.run("get", "servicebgpstatuses", "-n", "metallb-system", "-o", "yaml");
    assertThat(bgp.exitCode()).as(bgp.stderr()).isZero();
    assertThat(bgp.stdout())
        .contains("kind: ServiceBGPStatus")
        .contains("metallb.io/node: worker-1")
        .contains("serviceName: web")
        .contains("serviceNamespace: default")
        .containsPattern("peers:\\s*\\n\\s*- tor");
    var l2 = kubectl.run("get", "servicel2statuses", "-n", "metallb-system",
        "-o", "jsonpath={.items[0].status.node} {.items[0].status.interfaces[0].name}");
    assertThat(l2.exitCode()).as(l2.stderr()).isZero();
    assertThat(l2.stdout()).isEqualTo("worker-1 eth1");

    ObjectRef pool = new ObjectRef("metallb.io/v1beta1", "IPAddressPool", "metallb-system", "default", "");
    ConfigStatus invalid = new ConfigStatus(ConfigResult.INVALID,
        List.of(new ObjectError(pool, "spec.addresses[0]: invalid CIDR \"192.0.2.0/33\"")), true, true);
    try (var cs = new ConfigurationStateWriter(api.client(), ConfigurationStateWriter.Target.speaker("metallb-system", "worker-1"),
        Optional.empty(), MetallbEvents.SPEAKER, Clock.systemUTC())) {
      assertThat(cs.write(invalid).get(20, TimeUnit.SECONDS)).isTrue();
    }
    var state = kubectl.run("get", "configurationstates", "speaker-worker-1", "-n", "metallb-system",
        "-o", "jsonpath={.status.result}|{.status.conditions[0].type}={.status.conditions[0].status}|{.status.errorSummary}");
    assertThat(state.exitCode()).as(state.stderr()).isZero();
    assertThat(state.stdout()).isEqualTo(
        "Invalid|configReconcilerValid=False|IPAddressPool metallb-system/default: spec.addresses[0]: invalid CIDR \"192.0.2.0/33\"");
  }
}
