package io.herald.allocator.pool;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code allow-shared-ip} key plus the backend key. Two Services may share an IP only when both
 * carry a non-empty, equal sharing key and equal backend keys. The backend key is empty for
 * {@code externalTrafficPolicy: Cluster}; for {@code Local} it is the pod selector, because a node
 * announces the IP only if it hosts endpoints of every Service on it.
 */
public record SharingKey(String sharing, String backend) {
  public static final SharingKey NONE = new SharingKey("", "");

  public SharingKey {
    Objects.requireNonNull(sharing);
    Objects.requireNonNull(backend);
  }

  public boolean allowsSharing() {
    return !sharing.isEmpty();
  }

  /** Kubernetes' {@code labels.Set.String()}: keys sorted, {@code k=v} joined by commas. */
  public static String selectorString(Map<String, String> selector) {
    return new TreeMap<>(selector).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
