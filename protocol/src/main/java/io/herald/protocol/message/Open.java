package io.herald.protocol.message;

import io.herald.protocol.types.Asn;
import io.herald.protocol.types.RouterId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * OPEN (RFC 4271 §4.2). {@code myAutonomousSystem} is the 2-octet wire field (AS_TRANS for a
 * 4-octet ASN); {@link #asn()} gives the speaker's real AS (RFC 6793 §4.1).
 */
public record Open(
    int version,
    int myAutonomousSystem,
    int holdTimeSeconds,
    RouterId bgpIdentifier,
    List<Capability> capabilities)
    implements BgpMessage {

  public static final int VERSION = 4;

  public Open {
    if (version < 0 || version > 255) {
      throw new IllegalArgumentException("version " + version);
    }
    if (myAutonomousSystem < 0 || myAutonomousSystem > 0xFFFF) {
      throw new IllegalArgumentException("My Autonomous System is 2 octets: " + myAutonomousSystem);
    }
    if (holdTimeSeconds < 0 || holdTimeSeconds > 0xFFFF) {
      throw new IllegalArgumentException("hold time is 2 octets: " + holdTimeSeconds);
    }
    Objects.requireNonNull(bgpIdentifier, "bgpIdentifier");
    capabilities = List.copyOf(capabilities);
  }

  /** An OPEN for {@code asn}, with AS_TRANS in the 2-octet field when it does not fit. */
  public static Open of(Asn asn, int holdTimeSeconds, RouterId id, List<Capability> capabilities) {
    return new Open(VERSION, asn.twoOctetOrTrans(), holdTimeSeconds, id, capabilities);
  }

  @Override
  public MessageType type() {
    return MessageType.OPEN;
  }

  /** The speaker's AS: the 4-octet AS capability's when present, else the 2-octet field. */
  public Asn asn() {
    return fourOctetAs().orElseGet(() -> Asn.of(myAutonomousSystem));
  }

  public Optional<Asn> fourOctetAs() {
    return capability(Capability.FourOctetAs.class).map(Capability.FourOctetAs::asn);
  }

  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  public boolean has(Class<? extends Capability> type) {
    return capabilities.stream().anyMatch(type::isInstance);
  }
}
