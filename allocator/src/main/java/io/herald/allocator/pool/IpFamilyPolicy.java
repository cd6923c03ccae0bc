package io.herald.allocator.pool;

/** {@code spec.ipFamilyPolicy} of a Service. */
public enum IpFamilyPolicy {
  SINGLE_STACK,
  PREFER_DUAL_STACK,
  REQUIRE_DUAL_STACK
}
