package io.herald.protocol.fsm;

import java.util.List;
import java.util.Objects;

/** The result of one {@link SessionFsm#step}: the next state and the actions to carry out, in order. */
public record Transition(SessionState next, List<Action> actions) {
  public Transition {
    Objects.requireNonNull(next, "next");
    actions = List.copyOf(actions);
  }
}
