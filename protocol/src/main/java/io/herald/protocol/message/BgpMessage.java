package io.herald.protocol.message;

/**
 * A BGP-4 message (RFC 4271 §4). Closed: dispatch with a switch expression over {@link #type()},
 * which javac checks for exhaustiveness.
 */
public sealed interface BgpMessage permits Open, Update, Notification, Keepalive, RouteRefresh {
  MessageType type();
}
