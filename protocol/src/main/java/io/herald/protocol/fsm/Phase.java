package io.herald.protocol.fsm;

/**
 * The states of RFC 4271 §8.2.2. A session's phase is derived from its connections (see {@link
 * SessionState#phase()}); a connection's phase is one of CONNECT (our TCP open is in progress),
 * OPEN_SENT, OPEN_CONFIRM or ESTABLISHED.
 */
public enum Phase {
  IDLE,
  CONNECT,
  ACTIVE,
  OPEN_SENT,
  OPEN_CONFIRM,
  ESTABLISHED;

  /** True once TCP is up and our OPEN is out (OpenSent and later). */
  public boolean tcpEstablished() {
    return compareTo(OPEN_SENT) >= 0;
  }
}
