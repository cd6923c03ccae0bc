package io.herald.node.announce;

import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.ip.IpAddress;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.RouterId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Turns a configured BGPPeer into the session settings of this node. */
public final class PeerConfigs {
  private PeerConfigs() {}

  /** MetalLB's default hold time. */
  public static final Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(90);
  /** eBGP to a router that is not directly connected: any TTL (MetalLB uses 255 for multihop). */
  private static final int MULTIHOP_TTL = 255;

  /**
   * The session settings, or empty with why not (a peer without an address, e.g. an
   * interface-only or dynamic-ASN peer, which this node does not support yet).
   *
   * @param fallbackRouterId this node's IPv4 address, used when the peer sets no routerID
   */
  public static Result toPeerConfig(BgpPeer p, Optional<Inet4Address> fallbackRouterId) {
    if (p.peerAddress().isEmpty()) {
      return new Result(Optional.empty(), "peer " + p.name() + " has no peerAddress (interface peers are not supported)");
    }
    if (p.peerAsn() == 0) {
      return new Result(Optional.empty(), "peer " + p.name() + " uses a dynamic ASN, which is not supported");
    }
    InetAddress address = p.peerAddress().get().toInetAddress();
    Optional<InetAddress> source = p.sourceAddress().map(IpAddress::toInetAddress);
    Optional<Inet4Address> id = p.routerId().map(r -> (Inet4Address) r.toInetAddress())
        .or(() -> source.filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a))
        .or(() -> fallbackRouterId);
    if (id.isEmpty()) {
      return new Result(Optional.empty(), "peer " + p.name() + " needs a routerID: this node has no IPv4 address");
    }
    boolean internal = p.myAsn() == p.peerAsn();
    OptionalInt ttl = internal ? OptionalInt.empty() : OptionalInt.of(p.ebgpMultiHop() ? MULTIHOP_TTL : 1);
    Set<AddressFamily> families = new HashSet<>();
    families.add(address instanceof Inet4Address ? AddressFamily.IPV4_UNICAST : AddressFamily.IPV6_UNICAST);
    if (!p.disableMP() || p.dualStackAddressFamily()) {
      families.add(AddressFamily.IPV4_UNICAST);
      families.add(AddressFamily.IPV6_UNICAST);
    }
    try {
      return new Result(Optional.of(new PeerConfig(new InetSocketAddress(address, p.peerPort()),
          Asn.of(p.myAsn()), Asn.of(p.peerAsn()), RouterId.of(id.get()), p.holdTime().orElse(DEFAULT_HOLD_TIME),
          Duration.ofSeconds(1), false, new TcpSettings(source, p.password(), ttl), families,
          p.enableGracefulRestart(), Duration.ofSeconds(120), false)), "");
    } catch (IllegalArgumentException e) {
      return new Result(Optional.empty(), "peer " + p.name() + ": " + e.getMessage());
    }
  }

  /** A session config, or the reason there is none. */
  public record Result(Optional<PeerConfig> config, String problem) {}
}
