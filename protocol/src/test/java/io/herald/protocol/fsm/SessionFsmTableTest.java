package io.herald.protocol.fsm;

import static io.herald.protocol.fsm.Fixtures.IN7;
import static io.herald.protocol.fsm.Fixtures.OUT0;
import static io.herald.protocol.fsm.Fixtures.active;
import static io.herald.protocol.fsm.Fixtures.badLength;
import static io.herald.protocol.fsm.Fixtures.cease;
import static io.herald.protocol.fsm.Fixtures.connect;
import static io.herald.protocol.fsm.Fixtures.established;
import static io.herald.protocol.fsm.Fixtures.idle;
import static io.herald.protocol.fsm.Fixtures.openConfirm;
import static io.herald.protocol.fsm.Fixtures.openSent;
import static io.herald.protocol.fsm.Fixtures.peerOpen;
import static io.herald.protocol.fsm.Fixtures.refresh;
import static io.herald.protocol.fsm.Fixtures.render;
import static io.herald.protocol.fsm.Fixtures.settings;
import static io.herald.protocol.fsm.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.message.AddressFamily;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every event in every state, after the tables of RFC 4271 §8.2.2 (with the departures documented
 * on {@link SessionFsm}: automatic restart into Active, stale timers ignored). The connection under
 * test is out-0; in-7 is a new inbound connection. Settings: active, 90 s hold, 5 s connect retry,
 * no jitter.
 */
class SessionFsmTableTest {

  static SessionState state(String name) {
    PeerSettings s = settings();
    return switch (name) {
      case "IDLE" -> idle(s);
      case "CONNECT" -> connect(s);
      case "ACTIVE" -> active(s);
      case "OPEN_SENT" -> openSent(s);
      case "OPEN_CONFIRM" -> openConfirm(s, peerOpen());
      case "ESTABLISHED" -> established(s, peerOpen());
      default -> throw new IllegalArgumentException(name);
    };
  }

  static FsmEvent event(FsmEvent.Type type) {
    return switch (type) {
      case MANUAL_START -> new FsmEvent.ManualStart();
      case MANUAL_STOP -> new FsmEvent.ManualStop("");
      case AUTOMATIC_START -> new FsmEvent.AutomaticStart();
      case PEER_DECONFIGURED -> new FsmEvent.PeerDeconfigured();
      case CONNECT_RETRY_TIMER_EXPIRES -> new FsmEvent.ConnectRetryTimerExpires();
      case HOLD_TIMER_EXPIRES -> new FsmEvent.HoldTimerExpires(OUT0);
      case KEEPALIVE_TIMER_EXPIRES -> new FsmEvent.KeepaliveTimerExpires(OUT0);
      case TCP_CR_ACKED -> new FsmEvent.TcpCrAcked(OUT0);
      case TCP_CONNECTION_CONFIRMED -> new FsmEvent.TcpConnectionConfirmed(IN7);
      case TCP_CONNECTION_FAILS -> new FsmEvent.TcpConnectionFails(OUT0);
      case OPEN_RECEIVED -> new FsmEvent.OpenReceived(OUT0, peerOpen());
      case KEEPALIVE_RECEIVED -> new FsmEvent.KeepaliveReceived(OUT0);
      case UPDATE_RECEIVED -> new FsmEvent.UpdateReceived(OUT0, update());
      case NOTIFICATION_RECEIVED -> new FsmEvent.NotificationReceived(OUT0, cease());
      case ROUTE_REFRESH_RECEIVED ->
          new FsmEvent.RouteRefreshReceived(OUT0, refresh(AddressFamily.IPV4_UNICAST, 0));
      case MESSAGE_MALFORMED -> new FsmEvent.MessageMalformed(OUT0, badLength());
    };
  }

  private static final String CLOSE_OUT0 = "Cancel(HOLD(out-0)); Cancel(KEEPALIVE(out-0)); ";
  private static final String RETRY = "; Arm(CONNECT_RETRY,PT5S)";

  static Stream<Arguments> table() {
    return Stream.of(
        // Idle: only a start does anything; an inbound connection is refused (§8.2.2 Idle).
        row("IDLE", "MANUAL_START", "CONNECT", "Connect(out-0); Arm(CONNECT_RETRY,PT5S)"),
        row("IDLE", "MANUAL_STOP", "IDLE", ""),
        row("IDLE", "AUTOMATIC_START", "CONNECT", "Connect(out-0); Arm(CONNECT_RETRY,PT5S)"),
        row("IDLE", "PEER_DECONFIGURED", "IDLE", ""),
        row("IDLE", "CONNECT_RETRY_TIMER_EXPIRES", "IDLE", ""),
        row("IDLE", "HOLD_TIMER_EXPIRES", "IDLE", ""),
        row("IDLE", "KEEPALIVE_TIMER_EXPIRES", "IDLE", ""),
        row("IDLE", "TCP_CR_ACKED", "IDLE", ""),
        row("IDLE", "TCP_CONNECTION_CONFIRMED", "IDLE", "Close(in-7,connection-rejected)"),
        row("IDLE", "TCP_CONNECTION_FAILS", "IDLE", ""),
        row("IDLE", "OPEN_RECEIVED", "IDLE", ""),
        row("IDLE", "KEEPALIVE_RECEIVED", "IDLE", ""),
        row("IDLE", "UPDATE_RECEIVED", "IDLE", ""),
        row("IDLE", "NOTIFICATION_RECEIVED", "IDLE", ""),
        row("IDLE", "ROUTE_REFRESH_RECEIVED", "IDLE", ""),
        row("IDLE", "MESSAGE_MALFORMED", "IDLE", ""),
        // Connect: our TCP open is in progress; no message can arrive on it yet.
        row("CONNECT", "MANUAL_START", "CONNECT", ""),
        row("CONNECT", "MANUAL_STOP", "IDLE", "Close(out-0,admin-shutdown); Cancel(CONNECT_RETRY)"),
        row("CONNECT", "AUTOMATIC_START", "CONNECT", ""),
        row("CONNECT", "PEER_DECONFIGURED", "IDLE",
            "Close(out-0,peer-deconfigured); Cancel(CONNECT_RETRY)"),
        row("CONNECT", "CONNECT_RETRY_TIMER_EXPIRES", "CONNECT",
            "Close(out-0,connect-retry-expired); Connect(out-1); Arm(CONNECT_RETRY,PT5S)"),
        row("CONNECT", "HOLD_TIMER_EXPIRES", "CONNECT", ""),
        row("CONNECT", "KEEPALIVE_TIMER_EXPIRES", "CONNECT", ""),
        row("CONNECT", "TCP_CR_ACKED", "OPEN_SENT",
            "Send(out-0,OPEN); Arm(HOLD(out-0),PT4M); Cancel(CONNECT_RETRY)"),
        row("CONNECT", "TCP_CONNECTION_CONFIRMED", "OPEN_SENT",
            "Send(in-7,OPEN); Arm(HOLD(in-7),PT4M); Cancel(CONNECT_RETRY)"),
        // ConnectRetry keeps running: it fires the next attempt from Active.
        row("CONNECT", "TCP_CONNECTION_FAILS", "ACTIVE", "Close(out-0,connect-failed)"),
        row("CONNECT", "OPEN_RECEIVED", "CONNECT", ""),
        row("CONNECT", "KEEPALIVE_RECEIVED", "CONNECT", ""),
        row("CONNECT", "UPDATE_RECEIVED", "CONNECT", ""),
        row("CONNECT", "NOTIFICATION_RECEIVED", "CONNECT", ""),
        row("CONNECT", "ROUTE_REFRESH_RECEIVED", "CONNECT", ""),
        row("CONNECT", "MESSAGE_MALFORMED", "CONNECT", ""),
        // Active: listening, ConnectRetry running; out-0 is gone.
        row("ACTIVE", "MANUAL_START", "ACTIVE", ""),
        row("ACTIVE", "MANUAL_STOP", "IDLE", "Cancel(CONNECT_RETRY)"),
        row("ACTIVE", "AUTOMATIC_START", "ACTIVE", ""),
        row("ACTIVE", "PEER_DECONFIGURED", "IDLE", "Cancel(CONNECT_RETRY)"),
        row("ACTIVE", "CONNECT_RETRY_TIMER_EXPIRES", "CONNECT",
            "Connect(out-1); Arm(CONNECT_RETRY,PT5S)"),
        row("ACTIVE", "HOLD_TIMER_EXPIRES", "ACTIVE", ""),
        row("ACTIVE", "KEEPALIVE_TIMER_EXPIRES", "ACTIVE", ""),
        row("ACTIVE", "TCP_CR_ACKED", "ACTIVE", ""),
        row("ACTIVE", "TCP_CONNECTION_CONFIRMED", "OPEN_SENT",
            "Send(in-7,OPEN); Arm(HOLD(in-7),PT4M); Cancel(CONNECT_RETRY)"),
        row("ACTIVE", "TCP_CONNECTION_FAILS", "ACTIVE", ""),
        row("ACTIVE", "OPEN_RECEIVED", "ACTIVE", ""),
        row("ACTIVE", "KEEPALIVE_RECEIVED", "ACTIVE", ""),
        row("ACTIVE", "UPDATE_RECEIVED", "ACTIVE", ""),
        row("ACTIVE", "NOTIFICATION_RECEIVED", "ACTIVE", ""),
        row("ACTIVE", "ROUTE_REFRESH_RECEIVED", "ACTIVE", ""),
        row("ACTIVE", "MESSAGE_MALFORMED", "ACTIVE", ""),
        // OpenSent: unexpected messages get 5/1 (RFC 6608); hold expiry 4/0.
        row("OPEN_SENT", "MANUAL_START", "OPEN_SENT", ""),
        row("OPEN_SENT", "MANUAL_STOP", "IDLE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 6/2); Close(out-0,admin-shutdown)"),
        row("OPEN_SENT", "AUTOMATIC_START", "OPEN_SENT", ""),
        row("OPEN_SENT", "PEER_DECONFIGURED", "IDLE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 6/3); Close(out-0,peer-deconfigured)"),
        row("OPEN_SENT", "CONNECT_RETRY_TIMER_EXPIRES", "OPEN_SENT", ""),
        row("OPEN_SENT", "HOLD_TIMER_EXPIRES", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 4/0); Close(out-0,hold-timer-expired)" + RETRY),
        row("OPEN_SENT", "KEEPALIVE_TIMER_EXPIRES", "OPEN_SENT", ""),
        row("OPEN_SENT", "TCP_CR_ACKED", "OPEN_SENT", ""),
        row("OPEN_SENT", "TCP_CONNECTION_CONFIRMED", "OPEN_SENT",
            "Send(in-7,OPEN); Arm(HOLD(in-7),PT4M)"),
        row("OPEN_SENT", "TCP_CONNECTION_FAILS", "ACTIVE",
            CLOSE_OUT0 + "Close(out-0,connection-lost)" + RETRY),
        row("OPEN_SENT", "OPEN_RECEIVED", "OPEN_CONFIRM",
            "Codec(out-0); Send(out-0,KEEPALIVE); Arm(HOLD(out-0),PT1M30S); "
                + "Arm(KEEPALIVE(out-0),PT30S)"),
        row("OPEN_SENT", "KEEPALIVE_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 5/1); Close(out-0,fsm-error)" + RETRY),
        row("OPEN_SENT", "UPDATE_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 5/1); Close(out-0,fsm-error)" + RETRY),
        row("OPEN_SENT", "NOTIFICATION_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Close(out-0,notification-received)" + RETRY),
        row("OPEN_SENT", "ROUTE_REFRESH_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 5/1); Close(out-0,fsm-error)" + RETRY),
        row("OPEN_SENT", "MESSAGE_MALFORMED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 1/2); Close(out-0,malformed-message)" + RETRY),
        // OpenConfirm: KEEPALIVE establishes; others get 5/2.
        row("OPEN_CONFIRM", "MANUAL_START", "OPEN_CONFIRM", ""),
        row("OPEN_CONFIRM", "MANUAL_STOP", "IDLE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 6/2); Close(out-0,admin-shutdown)"),
        row("OPEN_CONFIRM", "AUTOMATIC_START", "OPEN_CONFIRM", ""),
        row("OPEN_CONFIRM", "PEER_DECONFIGURED", "IDLE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 6/3); Close(out-0,peer-deconfigured)"),
        row("OPEN_CONFIRM", "CONNECT_RETRY_TIMER_EXPIRES", "OPEN_CONFIRM", ""),
        row("OPEN_CONFIRM", "HOLD_TIMER_EXPIRES", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 4/0); Close(out-0,hold-timer-expired)" + RETRY),
        row("OPEN_CONFIRM", "KEEPALIVE_TIMER_EXPIRES", "OPEN_CONFIRM",
            "Send(out-0,KEEPALIVE); Arm(KEEPALIVE(out-0),PT30S)"),
        row("OPEN_CONFIRM", "TCP_CR_ACKED", "OPEN_CONFIRM", ""),
        row("OPEN_CONFIRM", "TCP_CONNECTION_CONFIRMED", "OPEN_CONFIRM",
            "Send(in-7,OPEN); Arm(HOLD(in-7),PT4M)"),
        row("OPEN_CONFIRM", "TCP_CONNECTION_FAILS", "ACTIVE",
            CLOSE_OUT0 + "Close(out-0,connection-lost)" + RETRY),
        row("OPEN_CONFIRM", "OPEN_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 5/2); Close(out-0,fsm-error)" + RETRY),
        row("OPEN_CONFIRM", "KEEPALIVE_RECEIVED", "ESTABLISHED",
            "Arm(HOLD(out-0),PT1M30S); Established(out-0); Table(out-0,IPV4/UNICAST,INITIAL)"),
        row("OPEN_CONFIRM", "UPDATE_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 5/2); Close(out-0,fsm-error)" + RETRY),
        row("OPEN_CONFIRM", "NOTIFICATION_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Close(out-0,notification-received)" + RETRY),
        row("OPEN_CONFIRM", "ROUTE_REFRESH_RECEIVED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 5/2); Close(out-0,fsm-error)" + RETRY),
        row("OPEN_CONFIRM", "MESSAGE_MALFORMED", "ACTIVE",
            CLOSE_OUT0 + "Send(out-0,NOTIFICATION 1/2); Close(out-0,malformed-message)" + RETRY),
        // Established: every way down also reports SessionDown; OPEN gets 5/3.
        row("ESTABLISHED", "MANUAL_START", "ESTABLISHED", ""),
        row("ESTABLISHED", "MANUAL_STOP", "IDLE", CLOSE_OUT0
            + "Down(out-0,admin-shutdown); Send(out-0,NOTIFICATION 6/2); Close(out-0,admin-shutdown)"),
        row("ESTABLISHED", "AUTOMATIC_START", "ESTABLISHED", ""),
        row("ESTABLISHED", "PEER_DECONFIGURED", "IDLE", CLOSE_OUT0 + "Down(out-0,peer-deconfigured); "
            + "Send(out-0,NOTIFICATION 6/3); Close(out-0,peer-deconfigured)"),
        row("ESTABLISHED", "CONNECT_RETRY_TIMER_EXPIRES", "ESTABLISHED", ""),
        row("ESTABLISHED", "HOLD_TIMER_EXPIRES", "ACTIVE", CLOSE_OUT0 + "Down(out-0,hold-timer-expired); "
            + "Send(out-0,NOTIFICATION 4/0); Close(out-0,hold-timer-expired)" + RETRY),
        row("ESTABLISHED", "KEEPALIVE_TIMER_EXPIRES", "ESTABLISHED",
            "Send(out-0,KEEPALIVE); Arm(KEEPALIVE(out-0),PT30S)"),
        row("ESTABLISHED", "TCP_CR_ACKED", "ESTABLISHED", ""),
        row("ESTABLISHED", "TCP_CONNECTION_CONFIRMED", "ESTABLISHED",
            "Send(in-7,NOTIFICATION 6/7); Close(in-7,collision-resolution)"),
        row("ESTABLISHED", "TCP_CONNECTION_FAILS", "ACTIVE", CLOSE_OUT0
            + "Down(out-0,connection-lost); Close(out-0,connection-lost)" + RETRY),
        row("ESTABLISHED", "OPEN_RECEIVED", "ACTIVE", CLOSE_OUT0
            + "Down(out-0,fsm-error); Send(out-0,NOTIFICATION 5/3); Close(out-0,fsm-error)" + RETRY),
        row("ESTABLISHED", "KEEPALIVE_RECEIVED", "ESTABLISHED", "Arm(HOLD(out-0),PT1M30S)"),
        row("ESTABLISHED", "UPDATE_RECEIVED", "ESTABLISHED", "Arm(HOLD(out-0),PT1M30S)"),
        row("ESTABLISHED", "NOTIFICATION_RECEIVED", "ACTIVE", CLOSE_OUT0
            + "Down(out-0,notification-received); Close(out-0,notification-received)" + RETRY),
        row("ESTABLISHED", "ROUTE_REFRESH_RECEIVED", "ESTABLISHED",
            "Arm(HOLD(out-0),PT1M30S); Table(out-0,IPV4/UNICAST,ENHANCED_REFRESH)"),
        row("ESTABLISHED", "MESSAGE_MALFORMED", "ACTIVE", CLOSE_OUT0 + "Down(out-0,malformed-message); "
            + "Send(out-0,NOTIFICATION 1/2); Close(out-0,malformed-message)" + RETRY));
  }

  private static Arguments row(String state, String event, String phase, String actions) {
    return Arguments.of(state, FsmEvent.Type.valueOf(event), Phase.valueOf(phase), actions);
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("table")
  void transition(String state, FsmEvent.Type event, Phase phase, String actions) {
    SessionState before = state(state);
    assertThat(before.phase()).isEqualTo(Phase.valueOf(state));

    Transition t = SessionFsm.step(before, event(event));

    assertThat(t.next().phase()).isEqualTo(phase);
    List<String> expected = actions.isEmpty() ? List.of() : Arrays.asList(actions.split("; "));
    assertThat(render(t.actions())).containsExactlyElementsOf(expected);
  }

  @Test
  void tableCoversEveryEventInEveryState() {
    Set<String> covered = table()
        .map(a -> a.get()[0] + "/" + a.get()[1])
        .collect(Collectors.toSet());
    Set<String> expected = Stream.of("IDLE", "CONNECT", "ACTIVE", "OPEN_SENT", "OPEN_CONFIRM",
            "ESTABLISHED")
        .flatMap(s -> EnumSet.allOf(FsmEvent.Type.class).stream().map(e -> s + "/" + e))
        .collect(Collectors.toSet());
    assertThat(covered).isEqualTo(expected);
  }
}
