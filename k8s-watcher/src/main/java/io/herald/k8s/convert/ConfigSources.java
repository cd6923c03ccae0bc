package io.herald.k8s.convert;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.herald.k8s.config.ConfigSource;
import io.herald.k8s.model.ObjectRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Cluster objects to the texts the configuration loader validates. Only reads: the informer's
 * objects are shared and never changed.
 */
public final class ConfigSources {

  /** The key of the legacy ConfigMap that holds the configuration, as MetalLB's. */
  public static final String CONFIG_KEY = "config";

  private ConfigSources() {}

  public static ObjectRef ref(HasMetadata o, String apiVersion, String kind) {
    var m = o.getMetadata();
    return new ObjectRef(apiVersion, kind, Objects.requireNonNullElse(m.getNamespace(), ""), m.getName(),
        Objects.requireNonNullElse(m.getUid(), ""));
  }

  /**
   * A metallb.io resource as one YAML document with the {@code apiVersion} and {@code kind} it was
   * read as (list items need not carry them), its name, namespace, labels and spec.
   */
  public static ConfigSource resource(GenericKubernetesResource r, String apiVersion, String kind) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", r.getMetadata().getName());
    meta.put("namespace", r.getMetadata().getNamespace());
    if (r.getMetadata().getLabels() != null) meta.put("labels", r.getMetadata().getLabels());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", apiVersion);
    doc.put("kind", kind);
    doc.put("metadata", meta);
    Object spec = r.getAdditionalProperties().get("spec");
    if (spec != null) doc.put("spec", spec);
    return new ConfigSource(ref(r, apiVersion, kind), Serialization.asYaml(doc), false);
  }

  /** The legacy configuration of a ConfigMap's {@code config} key; empty when the key is absent. */
  public static Optional<ConfigSource> configMap(ConfigMap cm) {
    String text = cm.getData() == null ? null : cm.getData().get(CONFIG_KEY);
    if (text == null) return Optional.empty();
    return Optional.of(new ConfigSource(ref(cm, "v1", "ConfigMap"), text, true));
  }
}
