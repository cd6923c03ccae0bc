package io.herald.protocol.fsm;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.message.BgpMessage;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Update;
import java.util.Objects;

/**
 * An input to {@link SessionFsm#step}: the events of RFC 4271 §8.1, named as there. Events about
 * one TCP connection implement {@link ConnectionEvent} and carry its {@link ConnectionId}; an event
 * for a connection the FSM no longer knows (closed, or never announced) is ignored.
 *
 * <p>Dispatch with a switch expression over {@link #type()}; javac checks it is exhaustive.
 */
public sealed interface FsmEvent {
  Type type();

  /** One constant per record, for exhaustive switch expressions on Java 17. */
  enum Type {
    MANUAL_START,
    MANUAL_STOP,
    AUTOMATIC_START,
    PEER_DECONFIGURED,
    CONNECT_RETRY_TIMER_EXPIRES,
    HOLD_TIMER_EXPIRES,
    KEEPALIVE_TIMER_EXPIRES,
    TCP_CR_ACKED,
    TCP_CONNECTION_CONFIRMED,
    TCP_CONNECTION_FAILS,
    OPEN_RECEIVED,
    KEEPALIVE_RECEIVED,
    UPDATE_RECEIVED,
    NOTIFICATION_RECEIVED,
    ROUTE_REFRESH_RECEIVED,
    MESSAGE_MALFORMED
  }

  /** An event that concerns one TCP connection. */
  sealed interface ConnectionEvent extends FsmEvent {
    ConnectionId connection();
  }

  /** RFC 4271 §8.1.2 Event 1 (ManualStart); passive per {@link PeerSettings#passive()} (Event 4). */
  record ManualStart() implements FsmEvent {
    @Override
    public Type type() {
      return Type.MANUAL_START;
    }
  }

  /**
   * RFC 4271 §8.1.2 Event 2 (ManualStop): Cease 6/2 on every open connection, with {@code
   * shutdownText} as the RFC 9003 shutdown communication (none when empty).
   */
  record ManualStop(String shutdownText) implements FsmEvent {
    public ManualStop {
      Objects.requireNonNull(shutdownText, "shutdownText");
    }

    @Override
    public Type type() {
      return Type.MANUAL_STOP;
    }
  }

  /** RFC 4271 §8.1.2 Event 3 (AutomaticStart); passive per settings (Event 5). */
  record AutomaticStart() implements FsmEvent {
    @Override
    public Type type() {
      return Type.AUTOMATIC_START;
    }
  }

  /** The peer was removed from configuration: like ManualStop, with Cease 6/3 (RFC 4486 §4). */
  record PeerDeconfigured() implements FsmEvent {
    @Override
    public Type type() {
      return Type.PEER_DECONFIGURED;
    }
  }

  /** RFC 4271 §8.1.3 Event 9 (ConnectRetryTimer_Expires). */
  record ConnectRetryTimerExpires() implements FsmEvent {
    @Override
    public Type type() {
      return Type.CONNECT_RETRY_TIMER_EXPIRES;
    }
  }

  /** RFC 4271 §8.1.3 Event 10 (HoldTimer_Expires) for one connection. */
  record HoldTimerExpires(ConnectionId connection) implements ConnectionEvent {
    public HoldTimerExpires {
      Objects.requireNonNull(connection, "connection");
    }

    @Override
    public Type type() {
      return Type.HOLD_TIMER_EXPIRES;
    }
  }

  /** RFC 4271 §8.1.3 Event 11 (KeepaliveTimer_Expires) for one connection. */
  record KeepaliveTimerExpires(ConnectionId connection) implements ConnectionEvent {
    public KeepaliveTimerExpires {
      Objects.requireNonNull(connection, "connection");
    }

    @Override
    public Type type() {
      return Type.KEEPALIVE_TIMER_EXPIRES;
    }
  }

  /**
   * RFC 4271 §8.1.4 Event 16 (Tcp_CR_Acked): the outbound connection of {@link Action.Connect}
   * with this id is up.
   */
  record TcpCrAcked(ConnectionId connection) implements ConnectionEvent {
    public TcpCrAcked {
      Objects.requireNonNull(connection, "connection");
      if (connection.isInbound()) {
        throw new IllegalArgumentException("Tcp_CR_Acked is for outbound connections: " + connection);
      }
    }

    @Override
    public Type type() {
      return Type.TCP_CR_ACKED;
    }
  }

  /**
   * RFC 4271 §8.1.4 Event 17 (TcpConnectionConfirmed): the transport accepted a connection from
   * the peer's address and gave it this (new) inbound id.
   */
  record TcpConnectionConfirmed(ConnectionId connection) implements ConnectionEvent {
    public TcpConnectionConfirmed {
      Objects.requireNonNull(connection, "connection");
      if (!connection.isInbound()) {
        throw new IllegalArgumentException(
            "TcpConnectionConfirmed is for inbound connections: " + connection);
      }
    }

    @Override
    public Type type() {
      return Type.TCP_CONNECTION_CONFIRMED;
    }
  }

  /**
   * RFC 4271 §8.1.4 Event 18 (TcpConnectionFails): our TCP open failed or timed out, or an open
   * connection was closed by the peer or broke.
   */
  record TcpConnectionFails(ConnectionId connection) implements ConnectionEvent {
    public TcpConnectionFails {
      Objects.requireNonNull(connection, "connection");
    }

    @Override
    public Type type() {
      return Type.TCP_CONNECTION_FAILS;
    }
  }

  /** RFC 4271 §8.1.5 Event 19 (BGPOpen). Version and syntax were checked by the codec. */
  record OpenReceived(ConnectionId connection, Open open) implements ConnectionEvent {
    public OpenReceived {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(open, "open");
    }

    @Override
    public Type type() {
      return Type.OPEN_RECEIVED;
    }
  }

  /** RFC 4271 §8.1.5 Event 26 (KeepAliveMsg). */
  record KeepaliveReceived(ConnectionId connection) implements ConnectionEvent {
    public KeepaliveReceived {
      Objects.requireNonNull(connection, "connection");
    }

    @Override
    public Type type() {
      return Type.KEEPALIVE_RECEIVED;
    }
  }

  /**
   * RFC 4271 §8.1.5 Event 27 (UpdateMsg), with the non-fatal RFC 7606 issues the codec found
   * (treat-as-withdraw, attribute discard).
   */
  record UpdateReceived(ConnectionId connection, Inbound.Message message) implements ConnectionEvent {
    public UpdateReceived {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(message, "message");
      if (!(message.message() instanceof Update)) {
        throw new IllegalArgumentException("not an UPDATE: " + message.message().type());
      }
    }

    @Override
    public Type type() {
      return Type.UPDATE_RECEIVED;
    }
  }

  /** RFC 4271 §8.1.5 Events 24/25 (NotifMsgVerErr, NotifMsg). */
  record NotificationReceived(ConnectionId connection, Notification notification)
      implements ConnectionEvent {
    public NotificationReceived {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(notification, "notification");
    }

    @Override
    public Type type() {
      return Type.NOTIFICATION_RECEIVED;
    }
  }

  /** A ROUTE-REFRESH message (RFC 2918 §3, RFC 7313 §3.2). */
  record RouteRefreshReceived(ConnectionId connection, RouteRefresh routeRefresh)
      implements ConnectionEvent {
    public RouteRefreshReceived {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(routeRefresh, "routeRefresh");
    }

    @Override
    public Type type() {
      return Type.ROUTE_REFRESH_RECEIVED;
    }
  }

  /**
   * RFC 4271 §8.1.5 Events 21/22/28 (BGPHeaderErr, BGPOpenMsgErr, UpdateMsgErr): the codec
   * rejected a frame; we send {@code error.toNotification()} and close.
   */
  record MessageMalformed(ConnectionId connection, BgpError error) implements ConnectionEvent {
    public MessageMalformed {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public Type type() {
      return Type.MESSAGE_MALFORMED;
    }
  }

  /**
   * The event for one decoded frame. A message whose strongest issue is AFI_SAFI_DISABLE or
   * SESSION_RESET becomes {@link MessageMalformed} with that issue: this speaker implements no
   * AFI/SAFI disable (RFC 7606 §2) and resets instead.
   */
  static ConnectionEvent received(ConnectionId connection, Inbound inbound) {
    if (inbound instanceof Inbound.Malformed m) {
      return new MessageMalformed(connection, m.error());
    }
    Inbound.Message msg = (Inbound.Message) inbound;
    for (BgpError issue : msg.issues()) {
      if (issue.action().compareTo(ErrorAction.AFI_SAFI_DISABLE) >= 0) {
        return new MessageMalformed(connection, fatalIssue(msg));
      }
    }
    BgpMessage m = msg.message();
    MessageType t = m.type();
    return switch (t) {
      case OPEN -> new OpenReceived(connection, (Open) m);
      case UPDATE -> new UpdateReceived(connection, msg);
      case NOTIFICATION -> new NotificationReceived(connection, (Notification) m);
      case KEEPALIVE -> new KeepaliveReceived(connection);
      case ROUTE_REFRESH -> new RouteRefreshReceived(connection, (RouteRefresh) m);
    };
  }

  /** The first issue with the strongest action. */
  private static BgpError fatalIssue(Inbound.Message msg) {
    BgpError worst = msg.issues().get(0);
    for (BgpError e : msg.issues()) {
      if (e.action().compareTo(worst.action()) > 0) {
        worst = e;
      }
    }
    return worst;
  }
}
