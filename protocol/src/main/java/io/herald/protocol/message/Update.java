package io.herald.protocol.message;

import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.MpUnreachNlri;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.types.Prefix;
import java.util.List;
import java.util.Optional;

/**
 * UPDATE (RFC 4271 §4.3). {@code withdrawn} and {@code nlri} are the IPv4 fields of the message
 * itself; other families travel in MP_REACH_NLRI / MP_UNREACH_NLRI attributes (RFC 4760).
 */
public record Update(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri)
    implements BgpMessage {

  public Update {
    withdrawn = List.copyOf(withdrawn);
    attributes = List.copyOf(attributes);
    nlri = List.copyOf(nlri);
  }

  /** End-of-RIB for {@code family} (RFC 4724 §2). */
  public static Update endOfRib(AddressFamily family) {
    if (family.equals(AddressFamily.IPV4_UNICAST)) {
      return new Update(List.of(), List.of(), List.of());
    }
    return new Update(List.of(), List.of(new MpUnreachNlri(family, List.of())), List.of());
  }

  @Override
  public MessageType type() {
    return MessageType.UPDATE;
  }

  /** The family whose End-of-RIB this is, if it is one (RFC 4724 §2). */
  public Optional<AddressFamily> endOfRibFamily() {
    if (!withdrawn.isEmpty() || !nlri.isEmpty()) {
      return Optional.empty();
    }
    if (attributes.isEmpty()) {
      return Optional.of(AddressFamily.IPV4_UNICAST);
    }
    if (attributes.size() == 1 && attributes.get(0) instanceof MpUnreachNlri u
        && u.withdrawn().isEmpty()) {
      return Optional.of(u.family());
    }
    return Optional.empty();
  }

  public <A extends PathAttribute> Optional<A> attribute(Class<A> type) {
    return attributes.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  public Optional<MpReachNlri> mpReach() {
    return attribute(MpReachNlri.class);
  }

  public Optional<MpUnreachNlri> mpUnreach() {
    return attribute(MpUnreachNlri.class);
  }
}
