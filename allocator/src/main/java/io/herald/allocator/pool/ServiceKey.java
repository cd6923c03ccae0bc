package io.herald.allocator.pool;

import java.util.Comparator;
import java.util.Objects;

/** A Service's identity, {@code namespace/name}, as MetalLB prints it in Events. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {
  private static final Comparator<ServiceKey> ORDER =
      Comparator.comparing(ServiceKey::namespace).thenComparing(ServiceKey::name);

  public ServiceKey {
    Objects.requireNonNull(namespace);
    Objects.requireNonNull(name);
  }

  @Override
  public int compareTo(ServiceKey o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
