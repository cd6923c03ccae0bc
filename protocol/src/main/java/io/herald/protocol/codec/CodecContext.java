package io.herald.protocol.codec;

import io.herald.protocol.message.AddressFamily;
import java.util.Set;

/**
 * What a session negotiated that changes the wire format: 4-octet AS numbers in AS_PATH and
 * AGGREGATOR (RFC 6793 §4), the extended message size (RFC 8654), and the families whose NLRI we
 * may decode.
 */
public record CodecContext(boolean fourOctetAs, boolean extendedMessage, Set<AddressFamily> families) {
  /** RFC 4271 §4.1. */
  public static final int MAX_MESSAGE_LENGTH = 4096;
  /** RFC 8654 §4. */
  public static final int MAX_EXTENDED_MESSAGE_LENGTH = 65535;

  /** Before OPEN is exchanged: 2-octet ASNs, 4096-octet messages, IPv4 unicast (RFC 4760 §1). */
  public static final CodecContext INITIAL =
      new CodecContext(false, false, Set.of(AddressFamily.IPV4_UNICAST));

  /** A modern session: AS4, extended messages, IPv4 and IPv6 unicast. */
  public static final CodecContext AS4_DUAL_STACK = new CodecContext(
      true, true, Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST));

  public CodecContext {
    families = Set.copyOf(families);
  }

  /**
   * Largest length of a message of this type: OPEN and KEEPALIVE stay at 4096 even with the
   * extended message capability (RFC 8654 §4).
   */
  public int maxLength(io.herald.protocol.message.MessageType type) {
    return switch (type) {
      case OPEN, KEEPALIVE -> MAX_MESSAGE_LENGTH;
      case UPDATE, NOTIFICATION, ROUTE_REFRESH ->
          extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
    };
  }
}
