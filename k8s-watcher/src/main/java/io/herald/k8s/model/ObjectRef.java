package io.herald.k8s.model;

import java.util.Objects;

/** The object an Event is about ({@code involvedObject}); kubectl describe selects events by all five. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name, String uid) {
  public ObjectRef {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
  }

  public static ObjectRef of(ServiceView svc) {
    return new ObjectRef("v1", "Service", svc.key().namespace(), svc.key().name(), svc.uid());
  }
}
