package io.herald.protocol.codec;

import io.herald.protocol.message.BgpMessage;
import java.util.List;
import java.util.Objects;

/**
 * What decoding one frame yields: a message (perhaps with RFC 7606 issues that did not reset the
 * session), or a reason to close. Never an exception.
 */
public sealed interface Inbound {
  /**
   * A decoded message. {@code issues} are the non-fatal problems found; for an UPDATE whose
   * strongest issue is TREAT_AS_WITHDRAW, the message's NLRI are to be treated as withdrawn.
   */
  record Message(BgpMessage message, List<BgpError> issues) implements Inbound {
    public Message {
      Objects.requireNonNull(message, "message");
      issues = List.copyOf(issues);
    }

    public static Message clean(BgpMessage message) {
      return new Message(message, List.of());
    }

    /** The strongest action among the issues, or empty when there are none. */
    public java.util.Optional<ErrorAction> strongestAction() {
      return issues.stream().map(BgpError::action).reduce(ErrorAction::max);
    }
  }

  /** The frame cannot be accepted; the session sends {@code error.toNotification()} and closes. */
  record Malformed(BgpError error) implements Inbound {
    public Malformed {
      Objects.requireNonNull(error, "error");
    }
  }
}
