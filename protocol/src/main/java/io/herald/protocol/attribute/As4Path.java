package io.herald.protocol.attribute;

import java.util.List;

/** AS4_PATH, optional transitive (RFC 6793 §3): the 4-octet path beside a 2-octet AS_PATH. */
public record As4Path(List<AsPathSegment> segments) implements PathAttribute {
  public As4Path {
    segments = List.copyOf(segments);
  }

  @Override
  public int typeCode() {
    return AS4_PATH;
  }
}
