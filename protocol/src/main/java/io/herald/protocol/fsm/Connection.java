package io.herald.protocol.fsm;

import java.util.Objects;
import java.util.Optional;

/**
 * One TCP connection of a session and its own RFC 4271 §8 state.
 *
 * @param id the connection
 * @param phase CONNECT (our TCP open in progress), OPEN_SENT, OPEN_CONFIRM or ESTABLISHED
 * @param negotiated present from OPEN_CONFIRM on: what the two OPENs agreed
 */
public record Connection(ConnectionId id, Phase phase, Optional<Negotiated> negotiated) {
  public Connection {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(negotiated, "negotiated");
    if (phase == Phase.IDLE || phase == Phase.ACTIVE) {
      throw new IllegalArgumentException("a connection is never " + phase);
    }
    if (negotiated.isPresent() != (phase == Phase.OPEN_CONFIRM || phase == Phase.ESTABLISHED)) {
      throw new IllegalArgumentException("negotiated exists exactly in OpenConfirm and Established");
    }
  }

  Connection with(Phase p, Optional<Negotiated> n) {
    return new Connection(id, p, n);
  }
}
