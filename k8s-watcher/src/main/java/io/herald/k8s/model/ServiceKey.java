package io.herald.k8s.model;

import java.util.Objects;

/** Namespace and name of a Service: the unit the watcher marks dirty and decides for. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {

  public ServiceKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) throw new IllegalArgumentException("empty Service name");
  }

  /** Parses {@code namespace/name}. */
  public static ServiceKey parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("expected namespace/name: " + text);
    }
    return new ServiceKey(text.substring(0, slash), text.substring(slash + 1));
  }

  @Override
  public int compareTo(ServiceKey o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
