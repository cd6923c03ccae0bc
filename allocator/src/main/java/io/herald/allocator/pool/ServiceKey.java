package io.herald.allocator.pool;

import java.util.Objects;

/** A Service's identity, {@code namespace/name}, as MetalLB prints it in Events. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {
  public ServiceKey {
    Objects.requireNonNull(namespace);
    Objects.requireNonNull(name);
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
