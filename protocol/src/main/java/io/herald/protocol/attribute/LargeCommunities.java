package io.herald.protocol.attribute;

import java.util.List;

/** LARGE_COMMUNITY, optional transitive, type 32 (RFC 8092). */
public record LargeCommunities(List<LargeCommunity> communities) implements PathAttribute {
  public LargeCommunities {
    communities = List.copyOf(communities);
  }

  @Override
  public int typeCode() {
    return LARGE_COMMUNITY;
  }
}
