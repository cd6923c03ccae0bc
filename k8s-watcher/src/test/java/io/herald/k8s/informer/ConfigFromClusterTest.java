package io.herald.k8s.informer;

import static io.herald.k8s.informer.Objects8.apply;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.herald.allocator.config.ConfigLoader;
import io.herald.allocator.config.HeraldConfig;
import io.herald.k8s.config.ConfigOrigin;
import io.herald.k8s.config.ConfigResult;
import io.herald.k8s.config.ConfigState;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.event.MetallbEvents;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.sandbox.SandboxApi;
import io.herald.k8s.watcher.EndpointWatcher;
import io.herald.k8s.write.ConfigurationStateWriter;
import io.herald.k8s.write.EventRecorder;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The configuration read from the sandbox API through the allocator's validation: a valid one,
 * a broken edit (rejected, the old one kept, the error in the ConfigurationState and in a Warning
 * Event on the pool), then a fix; and the legacy ConfigMap.
 */
class ConfigFromClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private SandboxApi api;
  private ActorTestKit kit;
  private ClusterInformers informers;
  private EventRecorder events;
  private ConfigurationStateWriter stateWriter;
  private final BlockingQueue<ConfigState> states = new LinkedBlockingQueue<>();
  private TestProbe<ServiceDecision> decisions;

  @BeforeEach
  void start() {
    api = SandboxApi.start(InetAddress.getLoopbackAddress(), 0);
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    if (informers != null) informers.close();
    if (stateWriter != null) stateWriter.close();
    if (events != null) events.close();
    kit.shutdownTestKit();
    api.close();
  }

  private void startWatcher() {
    startWatcher(Optional.empty());
  }

  /** Starts the informers and the watcher; with {@code file}, as a node given its own --config file. */
  private void startWatcher(Optional<HeraldConfig> file) {
    var c = api.client();
    events = new EventRecorder(c, Clock.systemUTC(), "worker-1", Duration.ofMillis(100));
    stateWriter = new ConfigurationStateWriter(c, ConfigurationStateWriter.Target.speaker("metallb-system", "worker-1"),
        Optional.of(events), MetallbEvents.SPEAKER, Clock.systemUTC());
    informers = ClusterInformers.create(c, new ClusterInformers.Settings("metallb-system", WAIT, "config"))
        .onConfigChange(states::add)
        .onConfigChange(s -> stateWriter.write(s.status()));
    file.ifPresent(informers::fileConfig);
    decisions = kit.createTestProbe(ServiceDecision.class);
    var watcher = kit.spawn(EndpointWatcher.create(informers, AnnounceSettings.forNode("worker-1"), decisions.ref()));
    informers.start(EndpointWatcher.sink(watcher));
  }

  private ConfigState nextState() throws InterruptedException {
    ConfigState s = states.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(s).as("a new configuration state").isNotNull();
    return s;
  }

  private Map<?, ?> configurationStateStatus() throws Exception {
    stateWriter.write(informers.configStatus()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    GenericKubernetesResource r = api.client().genericKubernetesResources("metallb.io/v1beta1", "ConfigurationState")
        .inNamespace("metallb-system").withName("speaker-worker-1").get();
    assertThat(r).as("ConfigurationState speaker-worker-1").isNotNull();
    assertThat(r.getMetadata().getLabels())
        .containsEntry(ConfigurationStateWriter.COMPONENT_LABEL, "speaker")
        .containsEntry(ConfigurationStateWriter.NODE_LABEL, "worker-1");
    return (Map<?, ?>) r.getAdditionalProperties().get("status");
  }

  private static Map<?, ?> condition(Map<?, ?> status) {
    List<?> conditions = (List<?>) status.get("conditions");
    assertThat(conditions).hasSize(1);
    Map<?, ?> c = (Map<?, ?>) conditions.get(0);
    assertThat(c.get("type")).isEqualTo(ConfigurationStateWriter.CONDITION_TYPE);
    return c;
  }

  @Test
  void aBrokenEditIsRejectedAndShownUntilFixed() throws Exception {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of("rack", "a"), false);
    Objects8.basicConfig(c, "192.0.2.0/28");
    Objects8.loadBalancer(c, "default", "web", "Cluster", "192.0.2.3");
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-1"))).create();
    startWatcher();

    // Valid.
    assertThat(nextState().status().result()).isEqualTo(ConfigResult.VALID);
    assertThat(decisions.receiveMessage(WAIT).bgp().kind()).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);
    HeraldConfig first = informers.currentConfig().orElseThrow();
    assertThat(first.pools().pool("default")).isPresent();
    assertThat(informers.configLoaded()).isTrue();
    assertThat(informers.configStale()).isFalse();
    Map<?, ?> status = configurationStateStatus();
    assertThat(status.get("result")).isEqualTo("Valid");
    assertThat(status.get("errorSummary")).isNull();
    assertThat(condition(status).get("status")).isEqualTo("True");

    // Broken: a prefix length that does not exist. The whole edit is rejected.
    apply(c, ClusterInformers.POOLS, "default", Map.of("addresses", List.of("192.0.2.0/33")));
    ConfigState broken = nextState();
    assertThat(broken.status().result()).isEqualTo(ConfigResult.INVALID);
    assertThat(informers.currentConfig()).containsSame(first);
    assertThat(informers.configLoaded()).isTrue();
    assertThat(informers.configStale()).isTrue();
    status = configurationStateStatus();
    assertThat(status.get("result")).isEqualTo("Invalid");
    assertThat((String) status.get("errorSummary"))
        .startsWith("IPAddressPool metallb-system/default: spec.addresses[0]")
        .contains("192.0.2.0/33");
    assertThat(condition(status).get("status")).isEqualTo("False");
    events.drain();
    var warnings = c.v1().events().inNamespace("metallb-system").list().getItems().stream()
        .filter(e -> "default".equals(e.getInvolvedObject().getName()) && "IPAddressPool".equals(e.getInvolvedObject().getKind()))
        .toList();
    assertThat(warnings).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("InvalidConfig");
      assertThat(e.getMessage()).contains("last valid one stays in force").contains("192.0.2.0/33");
    });
    // The last valid configuration still announces: nothing new was published.
    decisions.expectNoMessage(Duration.ofMillis(300));

    // Fixed: a wider pool, still holding the Service's IP.
    apply(c, ClusterInformers.POOLS, "default", Map.of("addresses", List.of("192.0.2.0/27")));
    ConfigState fixed = nextState();
    assertThat(fixed.status().result()).isEqualTo(ConfigResult.VALID);
    assertThat(informers.configStale()).isFalse();
    assertThat(informers.currentConfig().orElseThrow().pools().pool("default").orElseThrow().ranges().get(0).toString())
        .isEqualTo("192.0.2.0/27");
    status = configurationStateStatus();
    assertThat(status.get("result")).isEqualTo("Valid");
    assertThat(status.get("errorSummary")).isNull();
  }

  @Test
  void theNodesFileIsInForceUntilTheClusterHoldsAConfigurationOfItsOwn() throws Exception {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of(), false);
    Objects8.loadBalancer(c, "default", "web", "Cluster", "192.0.2.3");
    c.discovery().v1().endpointSlices().resource(Objects8.slice("default", "web", "web-1", List.of("worker-1"))).create();
    var loaded = ConfigLoader.load("values.yaml", """
        configInline:
          peers:
          - {peer-address: 192.0.2.254, peer-asn: 64513, my-asn: 64512}
          address-pools:
          - {name: from-file, protocol: bgp, addresses: [192.0.2.0/28]}
        """);
    HeraldConfig file = ((ConfigLoader.Result.Valid) loaded).config();
    startWatcher(Optional.of(file));

    // No MetalLB configuration in the cluster: the file's is in force, and announces.
    ConfigState fromFile = nextState();
    assertThat(fromFile.origin()).isEqualTo(ConfigOrigin.FILE);
    assertThat(informers.currentConfig()).contains(file);
    assertThat(decisions.receiveMessage(WAIT).bgp().kind()).isEqualTo(AnnounceDecision.Kind.ANNOUNCE);
    assertThat(configurationStateStatus().get("result")).isEqualTo("Valid");

    // The cluster's first configuration object wins.
    apply(c, ClusterInformers.POOLS, "from-cluster", Map.of("addresses", List.of("198.51.100.0/28")));
    ConfigState fromCluster = nextState();
    assertThat(fromCluster.origin()).isEqualTo(ConfigOrigin.CLUSTER);
    assertThat(informers.currentConfig().orElseThrow().pools().pool("from-cluster")).isPresent();
    assertThat(informers.currentConfig().orElseThrow().pools().pool("from-file")).isEmpty();

    // Deleted again: back to the file's.
    c.genericKubernetesResources(ClusterInformers.POOLS).inNamespace("metallb-system").withName("from-cluster").delete();
    ConfigState back = nextState();
    assertThat(back.origin()).isEqualTo(ConfigOrigin.FILE);
    assertThat(informers.currentConfig()).contains(file);
  }

  @Test
  void theLegacyConfigMapIsPartOfTheConfiguration() throws Exception {
    var c = api.client();
    Objects8.node(c, "worker-1", Map.of(), false);
    startWatcher();
    assertThat(nextState().status().result()).isEqualTo(ConfigResult.VALID);
    assertThat(informers.currentConfig().orElseThrow().pools().size()).isZero();

    // Another ConfigMap in the namespace is not the configuration.
    c.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata().withName("other")
        .endMetadata().addToData("config", "not: [a config").build()).create();
    c.configMaps().inNamespace("metallb-system").resource(new ConfigMapBuilder().withNewMetadata().withName("config")
        .endMetadata().addToData("config", """
            address-pools:
            - name: legacy
              protocol: layer2
              addresses: [198.51.100.0/28]
            """).build()).create();
    ConfigState s = nextState();
    assertThat(s.status().result()).isEqualTo(ConfigResult.VALID);
    assertThat(informers.currentConfig().orElseThrow().pools().pool("legacy")).isPresent();
    assertThat(informers.config().advertisements()).extracting(a -> a.name()).containsExactly("legacy-l2");

    // A legacy pool overlapping a metallb.io pool rejects the whole configuration.
    apply(c, ClusterInformers.POOLS, "crd-pool", Map.of("addresses", List.of("198.51.100.8/29")));
    ConfigState overlap = nextState();
    assertThat(overlap.status().result()).isEqualTo(ConfigResult.INVALID);
    assertThat(overlap.offendingObjects()).isNotEmpty();
    assertThat(informers.currentConfig().orElseThrow().pools().pool("crd-pool")).isEmpty();
  }
}
