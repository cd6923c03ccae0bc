package io.herald.k8s.config;

import io.herald.k8s.model.ObjectRef;
import java.util.Objects;

/**
 * One object of the cluster's configuration as {@code ConfigLoader} reads it: a metallb.io
 * resource serialized to YAML, or the text of a legacy {@code configInline} ConfigMap key.
 *
 * @param object the object the text came from; errors in the text are reported against it
 * @param yaml the YAML document(s)
 * @param userText true when the text is the user's own (a ConfigMap key), so its line numbers mean
 *     something to them; false for a resource re-serialized by Herald
 */
public record ConfigSource(ObjectRef object, String yaml, boolean userText) {
  public ConfigSource {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(yaml, "yaml");
  }

  /** The file name given to the loader, unique per object: {@code Kind/namespace/name}. */
  public String fileName() {
    return object.kind() + "/" + object.namespace() + "/" + object.name();
  }
}
