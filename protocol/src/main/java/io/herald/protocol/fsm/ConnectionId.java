package io.herald.protocol.fsm;

import java.util.Objects;

/**
 * Names one TCP connection to the peer. RFC 4271 §6.8 lets two connections exist at once (one we
 * initiated, one the peer initiated) until collision resolution closes one, so every connection
 * event and action carries the id of the connection it is about.
 *
 * <p>Serials are unique per direction: {@link SessionFsm} mints {@link Direction#OUTBOUND} ids
 * itself (in {@link Action.Connect}); the transport mints {@link Direction#INBOUND} ids for the
 * connections it accepts (in {@link FsmEvent.TcpConnectionConfirmed}).
 */
public record ConnectionId(Direction direction, long serial) {
  /** Who opened the TCP connection; collision resolution keys on it (RFC 4271 §6.8). */
  public enum Direction {
    /** The peer connected to us (RFC 4271 §8.1.4 Event 17, TcpConnectionConfirmed). */
    INBOUND,
    /** We connected to the peer (RFC 4271 §8.1.4 Event 16, Tcp_CR_Acked). */
    OUTBOUND
  }

  public ConnectionId {
    Objects.requireNonNull(direction, "direction");
    if (serial < 0) {
      throw new IllegalArgumentException("serial must not be negative: " + serial);
    }
  }

  public static ConnectionId inbound(long serial) {
    return new ConnectionId(Direction.INBOUND, serial);
  }

  public static ConnectionId outbound(long serial) {
    return new ConnectionId(Direction.OUTBOUND, serial);
  }

  public boolean isInbound() {
    return direction == Direction.INBOUND;
  }

  @Override
  public String toString() {
    return (direction == Direction.INBOUND ? "in-" : "out-") + serial;
  }
}
