package io.herald.allocator.pool;

import java.math.BigInteger;

/** Counters for {@code IPAddressPool.status}: shared addresses count once. */
public record PoolUsage(String pool, long assignedIPv4, long assignedIPv6, BigInteger availableIPv4,
    BigInteger availableIPv6) {}
