package io.herald.protocol.attribute;

/** LOCAL_PREF, well-known, iBGP only, 4 octets unsigned (RFC 4271 §5.1.5). */
public record LocalPref(long value) implements PathAttribute {
  public LocalPref {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("LOCAL_PREF is 4 octets unsigned: " + value);
    }
  }

  @Override
  public int typeCode() {
    return LOCAL_PREF;
  }
}
