package io.herald.allocator.config;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.LabelSelector;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@code BGPPeer} (v1beta1 or v1beta2) or a legacy {@code peers} entry. Timers follow MetalLB:
 * if only one is set the other is derived (keepalive = hold/3, hold = 3 × keepalive); if neither
 * is set both are empty and the speaker's defaults apply.
 */
public record BgpPeer(
    String name,
    long myAsn,
    long peerAsn,
    Optional<String> dynamicAsn,
    Optional<IpAddress> peerAddress,
    Optional<String> iface,
    Optional<IpAddress> sourceAddress,
    int peerPort,
    Optional<Duration> holdTime,
    Optional<Duration> keepaliveTime,
    Optional<Duration> connectTime,
    Optional<IpAddress> routerId,
    List<LabelSelector> nodeSelectors,
    Optional<String> password,
    Optional<String> passwordSecret,
    Optional<String> bfdProfile,
    boolean ebgpMultiHop,
    Optional<String> vrf,
    boolean enableGracefulRestart,
    boolean disableMP,
    boolean dualStackAddressFamily,
    OptionalLong localAsn) {

  public BgpPeer {
    nodeSelectors = List.copyOf(nodeSelectors);
  }

  public static final int DEFAULT_PORT = 179;
}
