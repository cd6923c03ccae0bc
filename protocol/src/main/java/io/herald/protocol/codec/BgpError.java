package io.herald.protocol.codec;

import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.types.Octets;
import java.util.Objects;

/**
 * One violation in peer input: the NOTIFICATION code and data field RFC 4271 §6 prescribes, the
 * action to take (RFC 7606), and a human-readable detail for logs.
 */
public record BgpError(NotificationCode code, Octets data, ErrorAction action, String detail) {
  public BgpError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
  }

  public static BgpError reset(NotificationCode code, Octets data, String detail) {
    return new BgpError(code, data, ErrorAction.SESSION_RESET, detail);
  }

  public static BgpError reset(NotificationCode code, String detail) {
    return reset(code, Octets.EMPTY, detail);
  }

  /** The NOTIFICATION to send when this error resets the session. */
  public Notification toNotification() {
    return Notification.of(code, data);
  }
}
