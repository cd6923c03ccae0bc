package io.herald.protocol.fsm;

import io.herald.protocol.message.Notification;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a connection closed, for logs and metrics ("Peer Down", with a reason token).
 *
 * @param cause the token
 * @param notification the NOTIFICATION we sent, or for {@link Cause#NOTIFICATION_RECEIVED} the one
 *     we received; empty when none was exchanged
 * @param detail a human-readable detail (e.g. the BgpError detail); may be empty
 */
public record DownReason(Cause cause, Optional<Notification> notification, String detail) {
  public enum Cause {
    /** ManualStop: we sent Cease 6/2 (RFC 4486 §4, shutdown text RFC 9003). */
    ADMIN_SHUTDOWN,
    /** PeerDeconfigured: we sent Cease 6/3. */
    PEER_DECONFIGURED,
    /** We sent 4/0 (RFC 4271 §6.5). */
    HOLD_TIMER_EXPIRED,
    /** The peer sent a NOTIFICATION; never answered (RFC 4271 §6.4). */
    NOTIFICATION_RECEIVED,
    /** The peer's OPEN failed validation; we sent 2/x (RFC 4271 §6.2). */
    OPEN_REJECTED,
    /** A message the state does not allow; we sent 5/x (RFC 6608). */
    FSM_ERROR,
    /** The codec rejected a message; we sent its NOTIFICATION (1/x, 2/x, 3/x, 7/x). */
    MALFORMED_MESSAGE,
    /** The transport reported the connection closed or broken (RFC 4271 Event 18). */
    CONNECTION_LOST,
    /** Our TCP open failed (RFC 4271 Event 18 in Connect). */
    CONNECT_FAILED,
    /** Our TCP open did not complete before ConnectRetry expired; it is abandoned. */
    CONNECT_RETRY_EXPIRED,
    /** Closed by collision resolution (RFC 4271 §6.8) with Cease 6/7, or never opened. */
    COLLISION_RESOLUTION,
    /** An inbound connection while the session is stopped (Idle refuses connections). */
    CONNECTION_REJECTED,
    /**
     * The peer, which advertised Graceful Restart, opened a new session: the old one is closed
     * without a NOTIFICATION (RFC 4724 §4.2).
     */
    PEER_RESTARTED;

    /** A lower-case token for logs and metric labels, e.g. "hold-timer-expired". */
    public String token() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public DownReason {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(notification, "notification");
    Objects.requireNonNull(detail, "detail");
  }

  public static DownReason of(Cause cause) {
    return new DownReason(cause, Optional.empty(), "");
  }

  public static DownReason of(Cause cause, Notification notification, String detail) {
    return new DownReason(cause, Optional.of(notification), detail);
  }

  @Override
  public String toString() {
    return cause.token() + notification.map(n -> " " + n).orElse("")
        + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
