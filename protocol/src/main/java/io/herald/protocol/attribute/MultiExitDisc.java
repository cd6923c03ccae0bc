package io.herald.protocol.attribute;

/** MULTI_EXIT_DISC, optional non-transitive, 4 octets unsigned (RFC 4271 §5.1.4). */
public record MultiExitDisc(long value) implements PathAttribute {
  public MultiExitDisc {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("MED is 4 octets unsigned: " + value);
    }
  }

  @Override
  public int typeCode() {
    return MULTI_EXIT_DISC;
  }
}
