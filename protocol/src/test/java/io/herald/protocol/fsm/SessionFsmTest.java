package io.herald.protocol.fsm;

import static io.herald.protocol.fsm.Fixtures.IN7;
import static io.herald.protocol.fsm.Fixtures.OUT0;
import static io.herald.protocol.fsm.Fixtures.PEER_AS;
import static io.herald.protocol.fsm.Fixtures.established;
import static io.herald.protocol.fsm.Fixtures.idle;
import static io.herald.protocol.fsm.Fixtures.openConfirm;
import static io.herald.protocol.fsm.Fixtures.openSent;
import static io.herald.protocol.fsm.Fixtures.peerOpen;
import static io.herald.protocol.fsm.Fixtures.refresh;
import static io.herald.protocol.fsm.Fixtures.render;
import static io.herald.protocol.fsm.Fixtures.run;
import static io.herald.protocol.fsm.Fixtures.settings;
import static io.herald.protocol.fsm.Fixtures.withCapability;
import static io.herald.protocol.fsm.Fixtures.withHold;
import static io.herald.protocol.fsm.Fixtures.withId;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Keepalive;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.RouterId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Scenarios across several steps: collisions, back-off, refresh, RFC 7606 issues, restarts. */
class SessionFsmTest {

  private static List<Action> actions(Transition t) {
    return t.actions();
  }

  private static <A extends Action> List<A> only(Transition t, Class<A> type) {
    return t.actions().stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Nested
  class Collision {
    // Local id 192.0.2.1. Peer ids above and below it decide which direction survives.
    private final RouterId higher = RouterId.parse("192.0.2.200");
    private final RouterId lower = RouterId.parse("192.0.2.0");

    /** out-0 in OpenConfirm (peer's OPEN with {@code peerId}), in-7 in OpenSent. */
    private SessionState outboundConfirmedInboundSent(RouterId peerId) {
      return run(openSent(settings()),
          new FsmEvent.OpenReceived(OUT0, withId(peerOpen(), peerId)),
          new FsmEvent.TcpConnectionConfirmed(IN7)).next();
    }

    @Test
    void higherRemoteIdKeepsTheInboundConnection() {
      SessionState s = outboundConfirmedInboundSent(higher);
      Transition t = SessionFsm.step(s, new FsmEvent.OpenReceived(IN7, withId(peerOpen(), higher)));
      assertThat(render(actions(t))).startsWith(
          "Cancel(HOLD(out-0))", "Cancel(KEEPALIVE(out-0))", "Send(out-0,NOTIFICATION 6/7)",
          "Close(out-0,collision-resolution)", "Codec(in-7)", "Send(in-7,KEEPALIVE)");
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(IN7);
      assertThat(t.next().phase()).isEqualTo(Phase.OPEN_CONFIRM);
      assertThat(t.next().failures()).isZero(); // losing a collision is no failure
    }

    @Test
    void lowerRemoteIdKeepsTheOutboundConnection() {
      SessionState s = outboundConfirmedInboundSent(lower);
      Transition t = SessionFsm.step(s, new FsmEvent.OpenReceived(IN7, withId(peerOpen(), lower)));
      assertThat(render(actions(t))).containsExactly("Cancel(HOLD(in-7))", "Cancel(KEEPALIVE(in-7))",
          "Send(in-7,NOTIFICATION 6/7)", "Close(in-7,collision-resolution)");
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(OUT0);
      assertThat(t.next().phase()).isEqualTo(Phase.OPEN_CONFIRM);
    }

    @Test
    void identifiersCompareUnsigned() {
      // 200.0.0.1 is negative as a signed int; it is still higher than 192.0.2.1.
      RouterId big = RouterId.parse("200.0.0.1");
      SessionState s = outboundConfirmedInboundSent(big);
      Transition t = SessionFsm.step(s, new FsmEvent.OpenReceived(IN7, withId(peerOpen(), big)));
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(IN7);
    }

    @Test
    void inboundFirstThenOutboundOpenUsesTheSameRule() {
      // in-7 reaches OpenConfirm first; the OPEN then arrives on out-0.
      SessionState s = run(openSent(settings()), new FsmEvent.TcpConnectionConfirmed(IN7),
          new FsmEvent.OpenReceived(IN7, withId(peerOpen(), lower))).next();
      Transition t = SessionFsm.step(s, new FsmEvent.OpenReceived(OUT0, withId(peerOpen(), lower)));
      // We are higher: our outbound connection survives, the confirmed inbound one is closed.
      assertThat(render(actions(t))).contains("Send(in-7,NOTIFICATION 6/7)",
          "Close(in-7,collision-resolution)", "Send(out-0,KEEPALIVE)");
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(OUT0);
    }

    @Test
    void equalIdentifiersInEbgpKeepTheConnectionOfTheLargerAs() {
      // RFC 6286 §2.3: we are AS 64512, the peer AS 64513: the peer's (inbound) connection wins.
      RouterId same = Fixtures.LOCAL_ID;
      SessionState s = outboundConfirmedInboundSent(same);
      Transition t = SessionFsm.step(s, new FsmEvent.OpenReceived(IN7, withId(peerOpen(), same)));
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(IN7);
    }

    @Test
    void establishedRefusesANewConnectionWithCease7() {
      SessionState s = established(settings(), peerOpen());
      Transition t = SessionFsm.step(s, new FsmEvent.TcpConnectionConfirmed(IN7));
      assertThat(render(actions(t)))
          .containsExactly("Send(in-7,NOTIFICATION 6/7)", "Close(in-7,collision-resolution)");
      assertThat(t.next()).isEqualTo(s);
    }

    @Test
    void establishingClosesTheOtherConnection() {
      SessionState s = run(openSent(settings()), new FsmEvent.TcpConnectionConfirmed(IN7),
          new FsmEvent.OpenReceived(OUT0, peerOpen())).next();
      Transition t = SessionFsm.step(s, new FsmEvent.KeepaliveReceived(OUT0));
      assertThat(render(actions(t))).startsWith("Cancel(HOLD(in-7))", "Cancel(KEEPALIVE(in-7))",
          "Send(in-7,NOTIFICATION 6/7)", "Close(in-7,collision-resolution)");
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(OUT0);
    }

    @Test
    void aGracefulRestartPeerReconnectingReplacesTheEstablishedSession() {
      Capability.GracefulRestart gr = new Capability.GracefulRestart(false, 120, List.of());
      Open open = withCapability(peerOpen(), gr);
      SessionState s = established(settings(), open);
      Transition accepted = SessionFsm.step(s, new FsmEvent.TcpConnectionConfirmed(IN7));
      assertThat(render(actions(accepted))).containsExactly("Send(in-7,OPEN)", "Arm(HOLD(in-7),PT4M)");
      assertThat(accepted.next().phase()).isEqualTo(Phase.ESTABLISHED);

      Transition t = SessionFsm.step(accepted.next(), new FsmEvent.OpenReceived(IN7, open));
      assertThat(render(actions(t))).startsWith("Cancel(HOLD(out-0))", "Cancel(KEEPALIVE(out-0))",
          "Down(out-0,peer-restarted)", "Close(out-0,peer-restarted)", "Codec(in-7)");
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(IN7);
      assertThat(t.next().phase()).isEqualTo(Phase.OPEN_CONFIRM);
    }

    @Test
    void aSecondInboundConnectionReplacesTheFirst() {
      ConnectionId in8 = ConnectionId.inbound(8);
      SessionState s = run(openSent(settings()), new FsmEvent.TcpConnectionConfirmed(IN7)).next();
      Transition t = SessionFsm.step(s, new FsmEvent.TcpConnectionConfirmed(in8));
      assertThat(render(actions(t))).containsExactly("Cancel(HOLD(in-7))",
          "Cancel(KEEPALIVE(in-7))", "Send(in-7,NOTIFICATION 6/7)",
          "Close(in-7,collision-resolution)", "Send(in-8,OPEN)", "Arm(HOLD(in-8),PT4M)");
      assertThat(t.next().connections()).extracting(Connection::id).containsExactly(OUT0, in8);
    }
  }

  @Nested
  class Backoff {
    private final PeerSettings s = settings()
        .withConnectRetry(Duration.ofSeconds(5), Duration.ofSeconds(60));

    private Duration connectRetryArmed(Transition t) {
      return only(t, Action.ArmTimer.class).stream()
          .filter(a -> a.key().equals(TimerKey.CONNECT_RETRY))
          .map(Action.ArmTimer::duration).findFirst().orElseThrow();
    }

    @Test
    void connectRetryDoublesUpToTheCapAndResetsOnEstablished() {
      Transition t = run(idle(s), new FsmEvent.ManualStart());
      List<Long> waits = new ArrayList<>();
      waits.add(connectRetryArmed(t).toSeconds());
      for (int i = 0; i < 7; i++) {
        // The attempt fails, ConnectRetry fires, a new attempt starts with a longer wait.
        ConnectionId pending = t.next().connections().get(0).id();
        t = run(t.next(), new FsmEvent.TcpConnectionFails(pending),
            new FsmEvent.ConnectRetryTimerExpires());
        waits.add(connectRetryArmed(t).toSeconds());
      }
      assertThat(waits).containsExactly(5L, 5L, 10L, 20L, 40L, 60L, 60L, 60L);

      ConnectionId pending = t.next().connections().get(0).id();
      SessionState up = run(t.next(), new FsmEvent.TcpCrAcked(pending),
          new FsmEvent.OpenReceived(pending, peerOpen()),
          new FsmEvent.KeepaliveReceived(pending)).next();
      assertThat(up.failures()).isZero();
      Transition down = SessionFsm.step(up, new FsmEvent.TcpConnectionFails(pending));
      assertThat(connectRetryArmed(down)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void hangingAttemptsAreAbandonedAndBackOffToo() {
      Transition t = run(idle(s), new FsmEvent.ManualStart());
      List<Long> waits = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        t = SessionFsm.step(t.next(), new FsmEvent.ConnectRetryTimerExpires());
        assertThat(only(t, Action.CloseConnection.class)).hasSize(1);
        assertThat(only(t, Action.Connect.class)).hasSize(1);
        waits.add(connectRetryArmed(t).toSeconds());
      }
      assertThat(waits).containsExactly(5L, 10L, 20L, 40L);
    }

    @Test
    void jitterKeepsEveryWaitWithinThreeQuartersAndTheFullValue() {
      PeerSettings jittered = s.withJitter(true);
      for (long seed = 0; seed < 200; seed++) {
        Transition t = SessionFsm.step(SessionState.initial(jittered, seed), new FsmEvent.ManualStart());
        long ms = connectRetryArmed(t).toMillis();
        assertThat(ms).isBetween(3750L, 5000L);
      }
      assertThat(SessionFsm.jitter(Duration.ofSeconds(40), 0.0)).isEqualTo(Duration.ofSeconds(30));
      assertThat(SessionFsm.jitter(Duration.ofSeconds(40), 0.5)).isEqualTo(Duration.ofSeconds(35));
    }

    @Test
    void passiveSessionsNeverConnectAndRunNoConnectRetry() {
      PeerSettings passive = s.withPassive(true);
      Transition t = SessionFsm.step(idle(passive), new FsmEvent.ManualStart());
      assertThat(actions(t)).isEmpty();
      assertThat(t.next().phase()).isEqualTo(Phase.ACTIVE);
      t = run(t.next(), new FsmEvent.TcpConnectionConfirmed(IN7), new FsmEvent.TcpConnectionFails(IN7),
          new FsmEvent.ConnectRetryTimerExpires());
      assertThat(t.next().phase()).isEqualTo(Phase.ACTIVE);
      assertThat(only(t, Action.Connect.class)).isEmpty();
    }
  }

  @Nested
  class Timers {
    @Test
    void zeroHoldTimeRunsNeitherHoldNorKeepalive() {
      Transition t = SessionFsm.step(openSent(settings()),
          new FsmEvent.OpenReceived(OUT0, withHold(peerOpen(), 0)));
      assertThat(render(actions(t)))
          .containsExactly("Codec(out-0)", "Send(out-0,KEEPALIVE)", "Cancel(HOLD(out-0))");
      Transition up = SessionFsm.step(t.next(), new FsmEvent.KeepaliveReceived(OUT0));
      assertThat(only(up, Action.ArmTimer.class)).isEmpty();
      // A late timer message cannot bring the session down.
      Transition late = SessionFsm.step(up.next(), new FsmEvent.HoldTimerExpires(OUT0));
      assertThat(actions(late)).isEmpty();
      assertThat(SessionFsm.step(up.next(), new FsmEvent.KeepaliveTimerExpires(OUT0)).actions())
          .isEmpty();
    }

    @Test
    void negotiatedHoldOfThreeSecondsSendsKeepalivesEverySecond() {
      Transition t = SessionFsm.step(openSent(settings()),
          new FsmEvent.OpenReceived(OUT0, withHold(peerOpen(), 3)));
      assertThat(render(actions(t))).containsExactly("Codec(out-0)", "Send(out-0,KEEPALIVE)",
          "Arm(HOLD(out-0),PT3S)", "Arm(KEEPALIVE(out-0),PT1S)");
    }

    @Test
    void keepaliveJitterStaysBelowAThirdOfTheHoldTime() {
      PeerSettings s = settings().withJitter(true);
      SessionState st = established(s, peerOpen());
      for (int i = 0; i < 50; i++) {
        Transition t = SessionFsm.step(st, new FsmEvent.KeepaliveTimerExpires(OUT0));
        Action.ArmTimer arm = only(t, Action.ArmTimer.class).get(0);
        assertThat(arm.duration().toMillis()).isBetween(22_500L, 30_000L);
        st = t.next();
      }
    }

    @Test
    void timerKeysMapBackToTheirEvents() {
      assertThat(TimerKey.CONNECT_RETRY.expiryEvent()).isEqualTo(new FsmEvent.ConnectRetryTimerExpires());
      assertThat(TimerKey.hold(OUT0).expiryEvent()).isEqualTo(new FsmEvent.HoldTimerExpires(OUT0));
      assertThat(TimerKey.keepalive(IN7).expiryEvent())
          .isEqualTo(new FsmEvent.KeepaliveTimerExpires(IN7));
    }
  }

  @Nested
  class Messages {
    @Test
    void establishedAsksForEachFamilysTableThenEndOfRib() {
      PeerSettings s = settings().withFamilies(
          List.of(AddressFamily.IPV6_UNICAST, AddressFamily.IPV4_UNICAST));
      Open both = withCapability(peerOpen(), new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST));
      Transition t = SessionFsm.step(openConfirm(s, both), new FsmEvent.KeepaliveReceived(OUT0));
      assertThat(render(actions(t))).containsExactly("Arm(HOLD(out-0),PT1M30S)", "Established(out-0)",
          "Table(out-0,IPV4/UNICAST,INITIAL)", "Table(out-0,IPV6/UNICAST,INITIAL)");
      Action.SessionEstablished up = only(t, Action.SessionEstablished.class).get(0);
      assertThat(up.negotiated().peerAsn()).isEqualTo(PEER_AS);
    }

    @Test
    void routeRefreshResendsOnlyNegotiatedFamiliesAndKnownSubtypes() {
      SessionState s = established(settings(), peerOpen());
      assertThat(only(SessionFsm.step(s, new FsmEvent.RouteRefreshReceived(OUT0,
          refresh(AddressFamily.IPV4_UNICAST, RouteRefresh.NORMAL))), Action.AdvertiseTable.class))
          .containsExactly(new Action.AdvertiseTable(OUT0, AddressFamily.IPV4_UNICAST,
              TableFraming.ENHANCED_REFRESH));
      for (RouteRefresh ignored : List.of(
          refresh(AddressFamily.IPV6_UNICAST, RouteRefresh.NORMAL), // not negotiated
          new RouteRefresh(1, 128, 0), // an AFI/SAFI we do not know
          refresh(AddressFamily.IPV4_UNICAST, RouteRefresh.BEGIN_OF_ROUTE_REFRESH),
          refresh(AddressFamily.IPV4_UNICAST, RouteRefresh.END_OF_ROUTE_REFRESH),
          refresh(AddressFamily.IPV4_UNICAST, 3))) { // unknown subtype: RFC 7313 §5
        Transition t = SessionFsm.step(s, new FsmEvent.RouteRefreshReceived(OUT0, ignored));
        assertThat(render(actions(t))).as(ignored.toString()).containsExactly("Arm(HOLD(out-0),PT1M30S)");
        assertThat(t.next()).isEqualTo(s);
      }
    }

    @Test
    void routeRefreshWithoutEnhancementIsAPlainResend() {
      Open plain = Open.of(PEER_AS, 90, Fixtures.PEER_ID, List.of(
          new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST), new Capability.RouteRefresh()));
      SessionState s = established(settings(), plain);
      Transition t = SessionFsm.step(s, new FsmEvent.RouteRefreshReceived(OUT0,
          refresh(AddressFamily.IPV4_UNICAST, 0)));
      assertThat(only(t, Action.AdvertiseTable.class)).extracting(Action.AdvertiseTable::framing)
          .containsExactly(TableFraming.REFRESH);

      // Not negotiated at all (peer without the capability): ignored.
      Open none = Open.of(PEER_AS, 90, Fixtures.PEER_ID, List.of());
      Transition ignored = SessionFsm.step(established(settings(), none),
          new FsmEvent.RouteRefreshReceived(OUT0, refresh(AddressFamily.IPV4_UNICAST, 0)));
      assertThat(only(ignored, Action.AdvertiseTable.class)).isEmpty();
    }

    @Test
    void updateIssuesThatDoNotResetAreReportedAndTheSessionStaysUp() {
      SessionState s = established(settings(), peerOpen());
      for (ErrorAction a : List.of(ErrorAction.TREAT_AS_WITHDRAW, ErrorAction.ATTRIBUTE_DISCARD)) {
        Inbound.Message m = Fixtures.updateWithIssue(a);
        Transition t = SessionFsm.step(s, new FsmEvent.UpdateReceived(OUT0, m));
        assertThat(t.next().phase()).isEqualTo(Phase.ESTABLISHED);
        assertThat(only(t, Action.InboundIssue.class))
            .containsExactly(new Action.InboundIssue(OUT0, m.issues()));
        assertThat(only(t, Action.Send.class)).isEmpty();
      }
    }

    @Test
    void updateIssuesThatResetSendTheIssuesNotification() {
      SessionState s = established(settings(), peerOpen());
      for (ErrorAction a : List.of(ErrorAction.AFI_SAFI_DISABLE, ErrorAction.SESSION_RESET)) {
        Inbound.Message m = Fixtures.updateWithIssue(a);
        Transition t = SessionFsm.step(s, new FsmEvent.UpdateReceived(OUT0, m));
        assertThat(t.next().phase()).isEqualTo(Phase.ACTIVE);
        assertThat(only(t, Action.Send.class)).extracting(Action.Send::message)
            .containsExactly(m.issues().get(0).toNotification());
        assertThat(only(t, Action.SessionDown.class)).hasSize(1);
      }
    }

    @Test
    void inboundFramesMapToEvents() {
      BgpError bad = Fixtures.badLength();
      assertThat(FsmEvent.received(OUT0, new Inbound.Malformed(bad)))
          .isEqualTo(new FsmEvent.MessageMalformed(OUT0, bad));
      assertThat(FsmEvent.received(OUT0, Inbound.Message.clean(Keepalive.INSTANCE)))
          .isEqualTo(new FsmEvent.KeepaliveReceived(OUT0));
      assertThat(FsmEvent.received(OUT0, Inbound.Message.clean(peerOpen())))
          .isEqualTo(new FsmEvent.OpenReceived(OUT0, peerOpen()));
      Inbound.Message withdraw = Fixtures.updateWithIssue(ErrorAction.TREAT_AS_WITHDRAW);
      assertThat(FsmEvent.received(OUT0, withdraw)).isEqualTo(new FsmEvent.UpdateReceived(OUT0, withdraw));
      Inbound.Message reset = Fixtures.updateWithIssue(ErrorAction.AFI_SAFI_DISABLE);
      assertThat(FsmEvent.received(OUT0, reset))
          .isEqualTo(new FsmEvent.MessageMalformed(OUT0, reset.issues().get(0)));
    }

    @Test
    void aNotificationIsNeverAnswered() {
      for (SessionState s : List.of(openSent(settings()), openConfirm(settings(), peerOpen()),
          established(settings(), peerOpen()))) {
        Transition t = SessionFsm.step(s, new FsmEvent.NotificationReceived(OUT0,
            Notification.of(NotificationCode.CEASE_ADMINISTRATIVE_RESET)));
        assertThat(only(t, Action.Send.class)).isEmpty();
        assertThat(only(t, Action.CloseConnection.class)).extracting(c -> c.reason().notification())
            .containsExactly(Optional.of(Notification.of(NotificationCode.CEASE_ADMINISTRATIVE_RESET)));
      }
    }

    @Test
    void manualStopCarriesTheShutdownCommunication() {
      Transition t = SessionFsm.step(established(settings(), peerOpen()),
          new FsmEvent.ManualStop("maintenance, back at 14:00"));
      Notification sent = (Notification) only(t, Action.Send.class).get(0).message();
      assertThat(sent.knownCode()).contains(NotificationCode.CEASE_ADMINISTRATIVE_SHUTDOWN);
      assertThat(sent.shutdownCommunication()).contains("maintenance, back at 14:00");
      assertThat(t.next().started()).isFalse();

      Transition gone = SessionFsm.step(established(settings(), peerOpen()),
          new FsmEvent.PeerDeconfigured());
      assertThat(only(gone, Action.Send.class)).extracting(Action.Send::message)
          .containsExactly(Notification.of(NotificationCode.CEASE_PEER_DECONFIGURED, Octets.EMPTY));
    }

    @Test
    void badOpenIsRejectedWithItsCodeAndCountsAsAFailure() {
      Transition t = SessionFsm.step(openSent(settings()),
          new FsmEvent.OpenReceived(OUT0, withHold(peerOpen(), 2)));
      assertThat(render(actions(t))).contains("Send(out-0,NOTIFICATION 2/6)", "Close(out-0,open-rejected)");
      assertThat(t.next().failures()).isEqualTo(1);
    }

    @Test
    void restartStateBitIsSetOnlyUntilTheFirstEstablishedSession() {
      PeerSettings s = settings().withGracefulRestart(Optional.of(
          new PeerSettings.GracefulRestartSettings(Duration.ofSeconds(120), true)));
      Transition first = run(idle(s), new FsmEvent.ManualStart(), new FsmEvent.TcpCrAcked(OUT0));
      assertThat(sentOpen(first).capability(Capability.GracefulRestart.class).orElseThrow()
          .restartState()).isTrue();
      SessionState up = run(first.next(), new FsmEvent.OpenReceived(OUT0, peerOpen()),
          new FsmEvent.KeepaliveReceived(OUT0), new FsmEvent.TcpConnectionFails(OUT0)).next();
      Transition second = run(up, new FsmEvent.ConnectRetryTimerExpires(),
          new FsmEvent.TcpCrAcked(ConnectionId.outbound(1)));
      assertThat(sentOpen(second).capability(Capability.GracefulRestart.class).orElseThrow()
          .restartState()).isFalse();
    }

    private Open sentOpen(Transition t) {
      return only(t, Action.Send.class).stream().map(Action.Send::message)
          .filter(Open.class::isInstance).map(Open.class::cast).findFirst().orElseThrow();
    }
  }
}
