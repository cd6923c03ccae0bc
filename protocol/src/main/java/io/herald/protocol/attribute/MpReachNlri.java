package io.herald.protocol.attribute;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Prefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * MP_REACH_NLRI, optional non-transitive (RFC 4760 §3). For IPv6 the next hop is a global address
 * optionally followed by a link-local one (RFC 2545 §3: 16 or 32 octets).
 */
public record MpReachNlri(
    AddressFamily family, InetAddress nextHop, Optional<Inet6Address> linkLocalNextHop,
    List<Prefix> nlri) implements PathAttribute {

  public MpReachNlri {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(nextHop, "nextHop");
    Objects.requireNonNull(linkLocalNextHop, "linkLocalNextHop");
    nlri = List.copyOf(nlri);
  }

  @Override
  public int typeCode() {
    return MP_REACH_NLRI;
  }
}
