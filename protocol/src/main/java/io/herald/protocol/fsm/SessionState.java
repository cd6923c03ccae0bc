package io.herald.protocol.fsm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link SessionFsm} remembers about one peer between events. Immutable; every step
 * returns a new one.
 *
 * @param settings the configuration
 * @param started true between ManualStart/AutomaticStart and ManualStop/PeerDeconfigured
 * @param failures consecutive failures since the last Established (or start); sets the
 *     ConnectRetry back-off
 * @param restartState whether our next OPEN sets the Graceful Restart R bit: true until the first
 *     session reaches Established after a restart (RFC 4724 §4.1)
 * @param connectRetryArmed whether the ConnectRetry timer is running
 * @param nextOutboundSerial the serial of the next outbound {@link ConnectionId}
 * @param jitterSeed the state of the pseudo-random sequence that supplies RFC 4271 §10 jitter
 * @param connections the connections, at most one per direction
 */
public record SessionState(
    PeerSettings settings,
    boolean started,
    int failures,
    boolean restartState,
    boolean connectRetryArmed,
    long nextOutboundSerial,
    long jitterSeed,
    List<Connection> connections) {

  public SessionState {
    Objects.requireNonNull(settings, "settings");
    connections = List.copyOf(connections);
    if (failures < 0) {
      throw new IllegalArgumentException("failures " + failures);
    }
  }

  /**
   * A stopped session (Idle). {@code seed} starts the jitter sequence; pass a random value in
   * production and a constant in tests.
   */
  public static SessionState initial(PeerSettings settings, long seed) {
    boolean restarting = settings.gracefulRestart()
        .map(PeerSettings.GracefulRestartSettings::restarting).orElse(false);
    return new SessionState(settings, false, 0, restarting, false, 0, seed, List.of());
  }

  /**
   * The session's RFC 4271 state: that of its most advanced connection; else CONNECT while our
   * TCP open is in progress, ACTIVE while started (listening, or waiting for ConnectRetry), IDLE
   * when stopped.
   */
  public Phase phase() {
    Phase best = null;
    for (Connection c : connections) {
      if (best == null || c.phase().compareTo(best) > 0) {
        best = c.phase();
      }
    }
    if (best != null) {
      return best;
    }
    return started ? Phase.ACTIVE : Phase.IDLE;
  }

  public Optional<Connection> connection(ConnectionId id) {
    return connections.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** The Established connection, if any. */
  public Optional<Connection> established() {
    return connections.stream().filter(c -> c.phase() == Phase.ESTABLISHED).findFirst();
  }
}
