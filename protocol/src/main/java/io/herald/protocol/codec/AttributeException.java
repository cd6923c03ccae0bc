package io.herald.protocol.codec;

import io.herald.protocol.message.NotificationCode;
import java.util.Optional;

/**
 * A path attribute codec found its value malformed. The codec says only <em>what</em> is wrong;
 * {@link AttributeSpec} decides the RFC 7606 action and the attribute loop adds the data field
 * (the whole TLV, RFC 4271 §6.3). The rare case where the problem is not malformation but an
 * attribute to be ignored (an MP_REACH_NLRI for a family the session did not negotiate) carries
 * its own action.
 */
final class AttributeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final NotificationCode code;
  private final transient ErrorAction action;

  AttributeException(NotificationCode code, String detail) {
    this(code, detail, null);
  }

  AttributeException(NotificationCode code, String detail, ErrorAction action) {
    super(detail, null, false, false);
    this.code = code;
    this.action = action;
  }

  NotificationCode code() {
    return code;
  }

  Optional<ErrorAction> action() {
    return Optional.ofNullable(action);
  }
}
