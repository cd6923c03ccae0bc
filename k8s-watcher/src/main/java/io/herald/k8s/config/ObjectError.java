package io.herald.k8s.config;

import io.herald.k8s.model.ObjectRef;
import java.util.Objects;

/**
 * One configuration error, attributed to the object it was found in.
 *
 * @param object the offending object (an IPAddressPool, a BGPPeer, the legacy ConfigMap, ...)
 * @param message what is wrong, with the field, e.g. {@code spec.addresses[0]: invalid CIDR "x"}
 */
public record ObjectError(ObjectRef object, String message) {
  public ObjectError {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(message, "message");
  }

  /** {@code Kind namespace/name: message}, one line of the error summary. */
  @Override
  public String toString() {
    return object.kind() + " " + object.namespace() + "/" + object.name() + ": " + message;
  }
}
