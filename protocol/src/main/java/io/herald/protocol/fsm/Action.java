package io.herald.protocol.fsm;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.BgpMessage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the shell must do after a {@link SessionFsm#step}, in list order. The FSM never touches a
 * socket or a clock; each action names the connection (or timer) it is about.
 *
 * <p>Guarantees the shell may rely on:
 * <ul>
 *   <li>Every {@link ConnectionId} the FSM learns of ({@link Connect}, or an inbound id in
 *       {@link FsmEvent.TcpConnectionConfirmed}) ends with exactly one {@link CloseConnection}.
 *       After it, no action names that id again and events for it are ignored.
 *   <li>A {@link Send} of a NOTIFICATION is followed by the {@link CloseConnection} of the same
 *       connection: write the NOTIFICATION, flush, then close.
 *   <li>Before {@link CloseConnection} of a connection whose Hold or Keepalive timer may run, the
 *       FSM emits {@link CancelTimer} for both.
 *   <li>At most one connection is Established at a time.
 * </ul>
 */
public sealed interface Action {
  Type type();

  /** The connection this action is about, if any. */
  Optional<ConnectionId> appliesTo();

  /** One constant per record, for exhaustive switch expressions on Java 17. */
  enum Type {
    CONNECT,
    SEND,
    SET_CODEC_CONTEXT,
    CLOSE_CONNECTION,
    ARM_TIMER,
    CANCEL_TIMER,
    SESSION_ESTABLISHED,
    SESSION_DOWN,
    ADVERTISE_TABLE,
    INBOUND_ISSUE
  }

  /**
   * Open a TCP connection to the peer (active open) under this new outbound id; report {@link
   * FsmEvent.TcpCrAcked} on success and {@link FsmEvent.TcpConnectionFails} on failure. The shell
   * must bound the attempt with a connect timeout (a pending attempt may outlive ConnectRetry when
   * the peer's own connection wins the race).
   */
  record Connect(ConnectionId connection) implements Action {
    public Connect {
      Objects.requireNonNull(connection, "connection");
    }

    @Override
    public Type type() {
      return Type.CONNECT;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /** Write and flush {@code message} on the connection. */
  record Send(ConnectionId connection, BgpMessage message) implements Action {
    public Send {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public Type type() {
      return Type.SEND;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /**
   * Decode and encode on this connection with {@code context} from now on. Emitted when the peer's
   * OPEN is accepted, before our KEEPALIVE: the peer sends no UPDATE before it has our KEEPALIVE,
   * so applying it before that Send leaves no frame decoded with the wrong context.
   */
  record SetCodecContext(ConnectionId connection, CodecContext context) implements Action {
    public SetCodecContext {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(context, "context");
    }

    @Override
    public Type type() {
      return Type.SET_CODEC_CONTEXT;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /**
   * Close the connection once the writes before it are flushed (or abandon the TCP open in
   * progress), and forget the id. {@code reason} is for logs and metrics.
   */
  record CloseConnection(ConnectionId connection, DownReason reason) implements Action {
    public CloseConnection {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Type type() {
      return Type.CLOSE_CONNECTION;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /**
   * Start the timer, replacing it if it runs; when it fires, feed {@code key.expiryEvent()} to
   * {@link SessionFsm#step}.
   */
  record ArmTimer(TimerKey key, Duration duration) implements Action {
    public ArmTimer {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("timer duration must be positive: " + duration);
      }
    }

    @Override
    public Type type() {
      return Type.ARM_TIMER;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return key.connection();
    }
  }

  /** Stop the timer if it runs (and drop an expiry already queued, if the shell can). */
  record CancelTimer(TimerKey key) implements Action {
    public CancelTimer {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public Type type() {
      return Type.CANCEL_TIMER;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return key.connection();
    }
  }

  /**
   * The session is up on this connection (RFC 4271 §8.2.2, OpenConfirm → Established). The
   * shell resets its Adj-RIB-Out to "nothing advertised" for {@code negotiated.families()}; the
   * {@link AdvertiseTable} actions that follow ask for the initial tables.
   */
  record SessionEstablished(ConnectionId connection, Negotiated negotiated) implements Action {
    public SessionEstablished {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(negotiated, "negotiated");
    }

    @Override
    public Type type() {
      return Type.SESSION_ESTABLISHED;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /**
   * The Established session on this connection ended: stop sending UPDATEs and forget what was
   * advertised. Emitted before the closing NOTIFICATION and the {@link CloseConnection}.
   */
  record SessionDown(ConnectionId connection, DownReason reason) implements Action {
    public SessionDown {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Type type() {
      return Type.SESSION_DOWN;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /**
   * Send the whole desired table of {@code family} on the Established connection, framed as
   * {@code framing} says: End-of-RIB after the initial table (RFC 4724 §2), a plain re-send for a
   * route refresh (RFC 2918 §4), or BoRR … EoRR around it (RFC 7313 §4). The shell may spread the
   * sending over time while the channel is not writable; the closing marker goes after the last
   * route of the family.
   */
  record AdvertiseTable(ConnectionId connection, AddressFamily family, TableFraming framing)
      implements Action {
    public AdvertiseTable {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(framing, "framing");
    }

    @Override
    public Type type() {
      return Type.ADVERTISE_TABLE;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }

  /**
   * An UPDATE had RFC 7606 problems that do not reset the session (treat-as-withdraw, attribute
   * discard). This speaker keeps no routes from the peer, so there is nothing to withdraw: count
   * and log them.
   */
  record InboundIssue(ConnectionId connection, List<BgpError> issues) implements Action {
    public InboundIssue {
      Objects.requireNonNull(connection, "connection");
      issues = List.copyOf(issues);
    }

    @Override
    public Type type() {
      return Type.INBOUND_ISSUE;
    }

    @Override
    public Optional<ConnectionId> appliesTo() {
      return Optional.of(connection);
    }
  }
}
