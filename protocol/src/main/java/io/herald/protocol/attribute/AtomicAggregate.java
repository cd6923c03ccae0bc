package io.herald.protocol.attribute;

/** ATOMIC_AGGREGATE, well-known discretionary, zero length (RFC 4271 §5.1.6). */
public record AtomicAggregate() implements PathAttribute {
  public static final AtomicAggregate INSTANCE = new AtomicAggregate();

  @Override
  public int typeCode() {
    return ATOMIC_AGGREGATE;
  }
}
