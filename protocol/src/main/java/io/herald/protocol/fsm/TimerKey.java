package io.herald.protocol.fsm;

import java.util.Objects;
import java.util.Optional;

/**
 * Names one timer the shell runs for the FSM (RFC 4271 §8 and §10). ConnectRetry belongs to the
 * session; Hold and Keepalive belong to one connection, since two connections can each be in
 * OpenSent or OpenConfirm during a collision (RFC 4271 §6.8). Arming a key that is already armed
 * restarts it; cancelling a key that is not armed does nothing.
 */
public record TimerKey(Timer timer, Optional<ConnectionId> connection) {
  /** The timers of RFC 4271 §10. DelayOpen and IdleHold (optional, §8.1.1) are not used. */
  public enum Timer {
    /** Fires {@link FsmEvent.ConnectRetryTimerExpires}. */
    CONNECT_RETRY,
    /** Fires {@link FsmEvent.HoldTimerExpires} for the key's connection. */
    HOLD,
    /** Fires {@link FsmEvent.KeepaliveTimerExpires} for the key's connection. */
    KEEPALIVE
  }

  public static final TimerKey CONNECT_RETRY = new TimerKey(Timer.CONNECT_RETRY, Optional.empty());

  public TimerKey {
    Objects.requireNonNull(timer, "timer");
    Objects.requireNonNull(connection, "connection");
    if ((timer == Timer.CONNECT_RETRY) == connection.isPresent()) {
      throw new IllegalArgumentException(
          timer + (connection.isPresent() ? " has no connection" : " needs a connection"));
    }
  }

  public static TimerKey hold(ConnectionId connection) {
    return new TimerKey(Timer.HOLD, Optional.of(connection));
  }

  public static TimerKey keepalive(ConnectionId connection) {
    return new TimerKey(Timer.KEEPALIVE, Optional.of(connection));
  }

  /** The event the shell feeds back to {@link SessionFsm#step} when this timer fires. */
  public FsmEvent expiryEvent() {
    return switch (timer) {
      case CONNECT_RETRY -> new FsmEvent.ConnectRetryTimerExpires();
      case HOLD -> new FsmEvent.HoldTimerExpires(connection.orElseThrow());
      case KEEPALIVE -> new FsmEvent.KeepaliveTimerExpires(connection.orElseThrow());
    };
  }

  @Override
  public String toString() {
    return timer + connection.map(c -> "(" + c + ")").orElse("");
  }
}
