package io.herald.protocol.attribute;

import io.herald.protocol.types.Asn;
import java.util.List;

/**
 * AS_PATH, well-known mandatory (RFC 4271 §5.1.2). The ASNs are real (4-octet) values; whether
 * they travel as 2 or 4 octets, and whether AS4_PATH is added, is the codec's choice per session
 * (RFC 6793 §4.2.2).
 */
public record AsPath(List<AsPathSegment> segments) implements PathAttribute {
  public static final AsPath EMPTY = new AsPath(List.of());

  public AsPath {
    segments = List.copyOf(segments);
  }

  public static AsPath sequence(Asn... asns) {
    return asns.length == 0 ? EMPTY : new AsPath(List.of(AsPathSegment.sequence(asns)));
  }

  /** RFC 4271 §9.1.2.2 (a): an AS_SET counts 1, confederation segments count 0. */
  public int pathLength() {
    int n = 0;
    for (AsPathSegment s : segments) {
      n += switch (s.type()) {
        case AS_SEQUENCE -> s.asns().size();
        case AS_SET -> 1;
        case AS_CONFED_SEQUENCE, AS_CONFED_SET -> 0;
      };
    }
    return n;
  }

  @Override
  public int typeCode() {
    return AS_PATH;
  }
}
