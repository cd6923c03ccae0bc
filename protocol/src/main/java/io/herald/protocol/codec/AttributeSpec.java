package io.herald.protocol.codec;

import io.herald.protocol.attribute.PathAttribute;

/**
 * One row per path attribute we interpret: type code, the Optional and Transitive flag bits it
 * must carry (RFC 4271 §5, RFC 7606 §3(c)), the RFC 7606 §7 action when it is malformed, and its
 * value decoder. The decoders say what is wrong; this table alone decides what to do about it.
 */
enum AttributeSpec {
  /** RFC 4271 §5.1.1; RFC 7606 §7.1. */
  ORIGIN(PathAttribute.ORIGIN, Flags.WELL_KNOWN, ErrorAction.TREAT_AS_WITHDRAW,
      AttributeValues::origin),
  /** RFC 4271 §5.1.2; RFC 7606 §7.2. */
  AS_PATH(PathAttribute.AS_PATH, Flags.WELL_KNOWN, ErrorAction.TREAT_AS_WITHDRAW,
      AttributeValues::asPath),
  /** RFC 4271 §5.1.3; RFC 7606 §7.3. */
  NEXT_HOP(PathAttribute.NEXT_HOP, Flags.WELL_KNOWN, ErrorAction.TREAT_AS_WITHDRAW,
      AttributeValues::nextHop),
  /** RFC 4271 §5.1.4; RFC 7606 §7.4. */
  MULTI_EXIT_DISC(PathAttribute.MULTI_EXIT_DISC, Flags.OPTIONAL_NON_TRANSITIVE,
      ErrorAction.TREAT_AS_WITHDRAW, AttributeValues::multiExitDisc),
  /** RFC 4271 §5.1.5; RFC 7606 §7.5. */
  LOCAL_PREF(PathAttribute.LOCAL_PREF, Flags.WELL_KNOWN, ErrorAction.TREAT_AS_WITHDRAW,
      AttributeValues::localPref),
  /** RFC 4271 §5.1.6; RFC 7606 §7.6. */
  ATOMIC_AGGREGATE(PathAttribute.ATOMIC_AGGREGATE, Flags.WELL_KNOWN,
      ErrorAction.ATTRIBUTE_DISCARD, AttributeValues::atomicAggregate),
  /** RFC 4271 §5.1.7; RFC 7606 §7.7. */
  AGGREGATOR(PathAttribute.AGGREGATOR, Flags.OPTIONAL_TRANSITIVE, ErrorAction.ATTRIBUTE_DISCARD,
      AttributeValues::aggregator),
  /** RFC 1997; RFC 7606 §7.8. */
  COMMUNITIES(PathAttribute.COMMUNITIES, Flags.OPTIONAL_TRANSITIVE,
      ErrorAction.TREAT_AS_WITHDRAW, AttributeValues::communities),
  /**
   * RFC 4760 §3; RFC 7606 §7.11 allows AFI/SAFI disable, which this node does not implement, so
   * a malformed MP_REACH_NLRI resets the session.
   */
  MP_REACH_NLRI(PathAttribute.MP_REACH_NLRI, Flags.OPTIONAL_NON_TRANSITIVE,
      ErrorAction.SESSION_RESET, AttributeValues::mpReach),
  /** RFC 4760 §4; as MP_REACH_NLRI. */
  MP_UNREACH_NLRI(PathAttribute.MP_UNREACH_NLRI, Flags.OPTIONAL_NON_TRANSITIVE,
      ErrorAction.SESSION_RESET, AttributeValues::mpUnreach),
  /** RFC 6793 §6: a malformed AS4_PATH is discarded and AS_PATH alone is used. */
  AS4_PATH(PathAttribute.AS4_PATH, Flags.OPTIONAL_TRANSITIVE, ErrorAction.ATTRIBUTE_DISCARD,
      AttributeValues::as4Path),
  /** RFC 6793 §6; RFC 7606 §7.7. */
  AS4_AGGREGATOR(PathAttribute.AS4_AGGREGATOR, Flags.OPTIONAL_TRANSITIVE,
      ErrorAction.ATTRIBUTE_DISCARD, AttributeValues::as4Aggregator),
  /** RFC 8092 §5: malformed is treat-as-withdraw. */
  LARGE_COMMUNITY(PathAttribute.LARGE_COMMUNITY, Flags.OPTIONAL_TRANSITIVE,
      ErrorAction.TREAT_AS_WITHDRAW, AttributeValues::largeCommunities);

  /** The Optional and Transitive bits of each attribute category (RFC 4271 §4.3). */
  static final class Flags {
    static final int WELL_KNOWN = PathAttribute.FLAG_TRANSITIVE;
    static final int OPTIONAL_TRANSITIVE = PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_TRANSITIVE;
    static final int OPTIONAL_NON_TRANSITIVE = PathAttribute.FLAG_OPTIONAL;
    /** The bits RFC 7606 §3(c) checks: Optional and Transitive. */
    static final int CATEGORY_MASK = PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_TRANSITIVE;

    private Flags() {}
  }

  @FunctionalInterface
  interface ValueDecoder {
    PathAttribute decode(byte[] b, int off, int len, CodecContext ctx) throws AttributeException;
  }

  private static final AttributeSpec[] BY_CODE = new AttributeSpec[256];

  static {
    for (AttributeSpec s : values()) {
      BY_CODE[s.code] = s;
    }
  }

  private final int code;
  private final int flags;
  private final ErrorAction onMalformed;
  private final ValueDecoder decoder;

  AttributeSpec(int code, int flags, ErrorAction onMalformed, ValueDecoder decoder) {
    this.code = code;
    this.flags = flags;
    this.onMalformed = onMalformed;
    this.decoder = decoder;
  }

  /** The row for a type code, or null when we do not interpret it. */
  static AttributeSpec byCode(int code) {
    return BY_CODE[code & 0xff];
  }

  int code() {
    return code;
  }

  /** Optional and Transitive bits as sent: 0x40 well-known, 0xC0 optional transitive, 0x80 optional non-transitive. */
  int flags() {
    return flags;
  }

  ErrorAction onMalformed() {
    return onMalformed;
  }

  boolean isWellKnown() {
    return (flags & PathAttribute.FLAG_OPTIONAL) == 0;
  }

  PathAttribute decode(byte[] b, int off, int len, CodecContext ctx) throws AttributeException {
    return decoder.decode(b, off, len, ctx);
  }
}
