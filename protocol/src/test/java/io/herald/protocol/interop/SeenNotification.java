package io.herald.protocol.interop;

/**
 * A NOTIFICATION message (RFC 4271 §4.5) a test router sent or received, as its API reported it.
 *
 * @param direction "receive" or "send", from the router's point of view
 */
public record SeenNotification(String direction, int code, int subcode) {
  public boolean received() {
    return direction.equals("receive");
  }
}
