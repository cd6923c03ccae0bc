package io.herald.allocator.config;

import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.PoolSet;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** One validated, immutable configuration: what MetalLB's resources or legacy config describe. */
public record HeraldConfig(
    PoolSet pools,
    List<BgpPeer> peers,
    List<BgpAdvertisement> bgpAdvertisements,
    List<L2Advertisement> l2Advertisements,
    Map<String, Community> communities,
    List<BfdProfile> bfdProfiles) {

  public HeraldConfig {
    peers = List.copyOf(peers);
    bgpAdvertisements = List.copyOf(bgpAdvertisements);
    l2Advertisements = List.copyOf(l2Advertisements);
    communities = Map.copyOf(communities);
    bfdProfiles = List.copyOf(bfdProfiles);
  }

  /** Usable addresses over every pool and family, after {@code avoidBuggyIPs}. */
  public BigInteger addressCount() {
    BigInteger n = BigInteger.ZERO;
    for (IpPool p : pools.pools()) {
      n = n.add(p.capacity(IpFamily.IPV4)).add(p.capacity(IpFamily.IPV6));
    }
    return n;
  }

  /** One line: pools, addresses, peers, advertisements. */
  public String summary() {
    return plural(pools.size(), "pool") + ", " + plural(addressCount(), "address", "addresses") + ", "
        + plural(peers.size(), "peer") + ", " + plural(bgpAdvertisements.size(), "BGP advertisement") + ", "
        + plural(l2Advertisements.size(), "L2 advertisement");
  }

  private static String plural(long n, String one) {
    return n + " " + one + (n == 1 ? "" : "s");
  }

  private static String plural(BigInteger n, String one, String many) {
    return n + " " + (n.equals(BigInteger.ONE) ? one : many);
  }
}
