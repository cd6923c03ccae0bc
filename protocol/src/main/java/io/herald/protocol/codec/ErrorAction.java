package io.herald.protocol.codec;

/**
 * What to do about malformed input, weakest first (RFC 7606 §2). The declaration order is the
 * severity order: a decoder collects every issue and acts on the strongest.
 */
public enum ErrorAction {
  /** RFC 7606 §2 "attribute discard": drop the attribute, keep the route. */
  ATTRIBUTE_DISCARD,
  /** RFC 7606 §2 "treat-as-withdraw": every NLRI in the UPDATE is treated as withdrawn. */
  TREAT_AS_WITHDRAW,
  /** RFC 7606 §2 "AFI/SAFI disable" (RFC 4760 §7); we do not implement it and reset instead. */
  AFI_SAFI_DISABLE,
  /** Send the NOTIFICATION and close the session (RFC 4271 §6). */
  SESSION_RESET;

  public ErrorAction max(ErrorAction other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
