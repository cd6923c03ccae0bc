package io.herald.protocol.attribute;

/**
 * A path attribute of UPDATE (RFC 4271 §4.3, §5). Closed: every attribute we interpret has a
 * record; anything else is {@link UnknownAttribute}, kept with its flags as received.
 */
public sealed interface PathAttribute
    permits Origin, AsPath, As4Path, NextHop, MultiExitDisc, LocalPref, AtomicAggregate,
        Aggregator, As4Aggregator, Communities, LargeCommunities, MpReachNlri, MpUnreachNlri,
        UnknownAttribute {

  int ORIGIN = 1;
  int AS_PATH = 2;
  int NEXT_HOP = 3;
  int MULTI_EXIT_DISC = 4;
  int LOCAL_PREF = 5;
  int ATOMIC_AGGREGATE = 6;
  int AGGREGATOR = 7;
  int COMMUNITIES = 8;
  int MP_REACH_NLRI = 14;
  int MP_UNREACH_NLRI = 15;
  int AS4_PATH = 17;
  int AS4_AGGREGATOR = 18;
  int LARGE_COMMUNITY = 32;

  /** Flag bits of the attribute type octet (RFC 4271 §4.3). */
  int FLAG_OPTIONAL = 0x80;
  int FLAG_TRANSITIVE = 0x40;
  int FLAG_PARTIAL = 0x20;
  int FLAG_EXTENDED_LENGTH = 0x10;

  /** The attribute type code. */
  int typeCode();
}
