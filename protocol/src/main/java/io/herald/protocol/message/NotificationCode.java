package io.herald.protocol.message;

import java.util.Optional;

/**
 * NOTIFICATION error code and subcode pairs: RFC 4271 §4.5 and §6, RFC 4486 (Cease subcodes),
 * RFC 6608 (FSM subcodes), RFC 7313 (ROUTE-REFRESH message error).
 */
public enum NotificationCode {
  // 1: Message Header Error (RFC 4271 §6.1)
  MESSAGE_HEADER_ERROR(1, 0),
  CONNECTION_NOT_SYNCHRONIZED(1, 1),
  BAD_MESSAGE_LENGTH(1, 2),
  BAD_MESSAGE_TYPE(1, 3),
  // 2: OPEN Message Error (RFC 4271 §6.2, RFC 5492 §5)
  OPEN_MESSAGE_ERROR(2, 0),
  UNSUPPORTED_VERSION_NUMBER(2, 1),
  BAD_PEER_AS(2, 2),
  BAD_BGP_IDENTIFIER(2, 3),
  UNSUPPORTED_OPTIONAL_PARAMETER(2, 4),
  UNACCEPTABLE_HOLD_TIME(2, 6),
  UNSUPPORTED_CAPABILITY(2, 7),
  // 3: UPDATE Message Error (RFC 4271 §6.3)
  UPDATE_MESSAGE_ERROR(3, 0),
  MALFORMED_ATTRIBUTE_LIST(3, 1),
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE(3, 2),
  MISSING_WELL_KNOWN_ATTRIBUTE(3, 3),
  ATTRIBUTE_FLAGS_ERROR(3, 4),
  ATTRIBUTE_LENGTH_ERROR(3, 5),
  INVALID_ORIGIN_ATTRIBUTE(3, 6),
  INVALID_NEXT_HOP_ATTRIBUTE(3, 8),
  OPTIONAL_ATTRIBUTE_ERROR(3, 9),
  INVALID_NETWORK_FIELD(3, 10),
  MALFORMED_AS_PATH(3, 11),
  // 4: Hold Timer Expired (RFC 4271 §6.5)
  HOLD_TIMER_EXPIRED(4, 0),
  // 5: Finite State Machine Error (RFC 4271 §6.6, subcodes RFC 6608 §3)
  FSM_ERROR(5, 0),
  FSM_UNEXPECTED_IN_OPEN_SENT(5, 1),
  FSM_UNEXPECTED_IN_OPEN_CONFIRM(5, 2),
  FSM_UNEXPECTED_IN_ESTABLISHED(5, 3),
  // 6: Cease (RFC 4271 §6.7, subcodes RFC 4486 §4)
  CEASE(6, 0),
  CEASE_MAXIMUM_PREFIXES_REACHED(6, 1),
  CEASE_ADMINISTRATIVE_SHUTDOWN(6, 2),
  CEASE_PEER_DECONFIGURED(6, 3),
  CEASE_ADMINISTRATIVE_RESET(6, 4),
  CEASE_CONNECTION_REJECTED(6, 5),
  CEASE_OTHER_CONFIGURATION_CHANGE(6, 6),
  CEASE_CONNECTION_COLLISION_RESOLUTION(6, 7),
  CEASE_OUT_OF_RESOURCES(6, 8),
  // 7: ROUTE-REFRESH Message Error (RFC 7313 §5)
  ROUTE_REFRESH_MESSAGE_ERROR(7, 0),
  ROUTE_REFRESH_INVALID_MESSAGE_LENGTH(7, 1);

  private final int code;
  private final int subcode;

  NotificationCode(int code, int subcode) {
    this.code = code;
    this.subcode = subcode;
  }

  public int code() {
    return code;
  }

  public int subcode() {
    return subcode;
  }

  public static Optional<NotificationCode> of(int code, int subcode) {
    for (NotificationCode c : values()) {
      if (c.code == code && c.subcode == subcode) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name() + "(" + code + "/" + subcode + ")";
  }
}
