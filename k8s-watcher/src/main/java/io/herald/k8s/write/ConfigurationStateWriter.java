package io.herald.k8s.write;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.herald.k8s.config.ConfigResult;
import io.herald.k8s.config.ConfigStatus;
import io.herald.k8s.config.ObjectError;
import io.herald.k8s.event.MetallbEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the validation result of the configuration to MetalLB's {@code ConfigurationState}
 * ({@code metallb.io/v1beta1}, status only): {@code status.result}, {@code status.errorSummary} and a
 * {@code configReconcilerValid} condition. An Invalid result also records a Warning Event on each
 * offending object. Writes run on one thread, in order; a status equal to the last written one is
 * skipped, so callers may publish every state they see.
 */
public final class ConfigurationStateWriter implements AutoCloseable {

  static final ResourceDefinitionContext CONFIGURATION_STATES = new ResourceDefinitionContext.Builder()
      .withGroup("metallb.io").withVersion("v1beta1").withPlural("configurationstates")
      .withKind("ConfigurationState").withNamespaced(true).build();

  /** MetalLB's condition type for the configuration reconciler. */
  public static final String CONDITION_TYPE = "configReconcilerValid";
  public static final String COMPONENT_LABEL = "metallb.io/component-type";
  public static final String NODE_LABEL = "metallb.io/node-name";

  private static final Logger log = LoggerFactory.getLogger(ConfigurationStateWriter.class);

  /**
   * Which ConfigurationState: MetalLB names them {@code controller} and {@code speaker-NODE}.
   *
   * @param node the speaker's node; empty for the controller
   */
  public record Target(String namespace, String name, String componentType, Optional<String> node) {
    public Target {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(componentType, "componentType");
      Objects.requireNonNull(node, "node");
    }

    public static Target speaker(String namespace, String node) {
      return new Target(namespace, "speaker-" + node, "speaker", Optional.of(node));
    }

    public static Target controller(String namespace) {
      return new Target(namespace, "controller", "controller", Optional.empty());
    }

    Map<String, String> labels() {
      Map<String, String> l = new LinkedHashMap<>();
      l.put(COMPONENT_LABEL, componentType);
      node.ifPresent(n -> l.put(NODE_LABEL, n));
      return l;
    }
  }

  private final KubernetesClient client;
  private final Target target;
  private final Optional<EventRecorder> events;
  private final String component;
  private final Clock clock;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "herald-config-state-writer");
    t.setDaemon(true);
    return t;
  });
  // Owned by the writer thread.
  private ConfigStatus written;
  private Instant transition = Instant.EPOCH;

  /**
   * @param events where the Warning Events on offending objects go; empty to write none
   * @param component the Events' source component ({@link MetallbEvents#SPEAKER} or CONTROLLER)
   */
  public ConfigurationStateWriter(
      KubernetesClient client, Target target, Optional<EventRecorder> events, String component, Clock clock) {
    this.client = client;
    this.target = target;
    this.events = events;
    this.component = component;
    this.clock = clock;
  }

  /**
   * Writes {@code status} unless it equals the last one written; completes with whether a write
   * was made, exceptionally on API errors (the next status is written in full again).
   */
  public CompletableFuture<Boolean> write(ConfigStatus status) {
    return CompletableFuture.supplyAsync(() -> apply(status), writer);
  }

  private boolean apply(ConfigStatus status) {
    if (status.equals(written)) return false;
    var states = client.genericKubernetesResources(CONFIGURATION_STATES).inNamespace(target.namespace());
    try {
      GenericKubernetesResource r = states.withName(target.name()).get();
      if (r == null) {
        r = new GenericKubernetesResource();
        r.setApiVersion("metallb.io/v1beta1");
        r.setKind("ConfigurationState");
        r.setMetadata(new ObjectMetaBuilder().withName(target.name()).withNamespace(target.namespace())
            .withLabels(target.labels()).build());
        r = states.resource(r).create();
      }
      boolean flipped = written == null || written.result() != status.result();
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Instant since = flipped ? now : transition;
      // The whole status is replaced (not merge-patched), so the one condition never accumulates.
      r.setAdditionalProperty("status", statusOf(status, since));
      states.resource(r).updateStatus();
      transition = since;
    } catch (KubernetesClientException e) {
      written = null;
      log.warn("ConfigurationState {}/{} not written: {}", target.namespace(), target.name(), e.getMessage());
      throw e;
    }
    boolean newErrors = status.result() == ConfigResult.INVALID
        && (written == null || !written.errors().equals(status.errors()));
    written = status;
    if (newErrors) {
      events.ifPresent(rec -> {
        for (ObjectError e : status.errors()) {
          rec.record(MetallbEvents.invalidConfig(e.object(), e.message(), status.loaded(), component));
        }
      });
    }
    return true;
  }

  /** The status: result, errorSummary (absent when valid) and the one condition. */
  static Map<String, Object> statusOf(ConfigStatus s, Instant since) {
    boolean valid = s.result() == ConfigResult.VALID;
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", CONDITION_TYPE);
    condition.put("status", switch (s.result()) {
      case VALID -> "True";
      case INVALID -> "False";
      case UNKNOWN -> "Unknown";
    });
    condition.put("reason", switch (s.result()) {
      case VALID -> "ConfigurationValid";
      case INVALID -> s.loaded() ? "ConfigurationInvalidLastValidKept" : "ConfigurationInvalid";
      case UNKNOWN -> "NotValidated";
    });
    condition.put("message", valid ? "" : s.errorSummary());
    condition.put("lastTransitionTime", since.toString());
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("result", s.result().text());
    if (!s.errors().isEmpty()) status.put("errorSummary", s.errorSummary());
    status.put("conditions", List.of(condition));
    return status;
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
