package io.herald.allocator.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MetalLB's Service annotations. Each is read under {@code metallb.io/} and under the deprecated
 * {@code metallb.universe.tf/}; when both are present the former wins.
 */
public final class Annotations {
  public static final String PREFIX = "metallb.io/";
  public static final String DEPRECATED_PREFIX = "metallb.universe.tf/";

  public static final String ADDRESS_POOL = "address-pool";
  public static final String LOAD_BALANCER_IPS = "loadBalancerIPs";
  public static final String ALLOW_SHARED_IP = "allow-shared-ip";
  /** Written by the controller: the pool the IP came from. */
  public static final String IP_ALLOCATED_FROM_POOL = "ip-allocated-from-pool";

  private static final List<String> USER_ANNOTATIONS = List.of(ADDRESS_POOL, LOAD_BALANCER_IPS, ALLOW_SHARED_IP);

  /** Both full keys of each annotation, built once: every allocation reads several. */
  private static final Map<String, String[]> KEYS = Map.of(
      ADDRESS_POOL, fullKeys(ADDRESS_POOL),
      LOAD_BALANCER_IPS, fullKeys(LOAD_BALANCER_IPS),
      ALLOW_SHARED_IP, fullKeys(ALLOW_SHARED_IP),
      IP_ALLOCATED_FROM_POOL, fullKeys(IP_ALLOCATED_FROM_POOL));

  private Annotations() {}

  private static String[] fullKeys(String name) {
    return new String[] {PREFIX + name, DEPRECATED_PREFIX + name};
  }

  /** The value of {@code name}, preferring {@code metallb.io/} over {@code metallb.universe.tf/}. */
  public static Optional<String> get(Map<String, String> annotations, String name) {
    if (annotations.isEmpty()) {
      return Optional.empty();
    }
    String[] keys = KEYS.get(name);
    String v = annotations.get(keys != null ? keys[0] : PREFIX + name);
    if (v == null) {
      v = annotations.get(keys != null ? keys[1] : DEPRECATED_PREFIX + name);
    }
    return Optional.ofNullable(v);
  }

  /** The deprecated annotations a Service uses; each deserves a {@code deprecatedAnnotation} Warning. */
  public static List<String> deprecatedInUse(Map<String, String> annotations) {
    List<String> out = new ArrayList<>();
    for (String a : USER_ANNOTATIONS) {
      if (annotations.containsKey(DEPRECATED_PREFIX + a)) {
        out.add(DEPRECATED_PREFIX + a);
      }
    }
    return out;
  }
}
