package io.herald.k8s.event;

import io.herald.k8s.model.ObjectRef;
import java.util.Objects;

/**
 * One Event occurrence: the identity client-go's recorder aggregates on (object, type, reason,
 * message, source component). Two occurrences with equal specs are the same Event, counted.
 */
public record EventSpec(ObjectRef involved, Type type, String reason, String message, String component) {

  /** Kubernetes event types. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String text;

    Type(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public EventSpec {
    Objects.requireNonNull(involved, "involved");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(component, "component");
  }
}
