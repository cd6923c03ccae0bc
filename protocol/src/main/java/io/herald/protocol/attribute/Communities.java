package io.herald.protocol.attribute;

import java.util.List;

/** COMMUNITIES, optional transitive (RFC 1997). */
public record Communities(List<Community> communities) implements PathAttribute {
  public Communities {
    communities = List.copyOf(communities);
  }

  @Override
  public int typeCode() {
    return COMMUNITIES;
  }
}
