package io.herald.allocator.ip;

/** The two address families a pool, a Service and a BGP session deal in. */
public enum IpFamily {
  IPV4(32),
  IPV6(128);

  private final int bits;

  IpFamily(int bits) {
    this.bits = bits;
  }

  /** Address width in bits: 32 or 128. */
  public int bits() {
    return bits;
  }

  /** The spelling Kubernetes uses in {@code spec.ipFamilies}. */
  public String kubernetesName() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }
}
