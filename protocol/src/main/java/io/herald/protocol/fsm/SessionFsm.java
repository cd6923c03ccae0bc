package io.herald.protocol.fsm;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Afi;
import io.herald.protocol.message.Keepalive;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Safi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The BGP session state machine of RFC 4271 §8 as a pure function: no clock, socket, thread or
 * actor. The shell feeds events in and carries out the returned {@link Action}s.
 *
 * <p>Model. A session owns up to two connections, one per direction, each with its own state
 * (RFC 4271 §6.8 and §8: "one FSM per connection"); the session's phase is that of its most
 * advanced connection. Where this FSM departs from the letter of §8.2.2, it says so:
 * <ul>
 *   <li>Automatic restart is built in (the RFC's AutomaticStart after a failure, §8.1.1): after any
 *       failure the session goes to Active, not Idle, so it accepts the peer's connection at once;
 *       an active session also connects again when ConnectRetry fires. ConnectRetry backs off
 *       exponentially: ConnectRetryTime × 2^(failures−1), capped, times an RFC 4271 §10 jitter
 *       factor in 0.75..1.0; failures reset to zero on Established.
 *   <li>A timer expiry for a timer this FSM did not arm (a late message in the shell) is ignored,
 *       where §8.2.2 would count it an FSM error: only our own timers produce these events.
 *   <li>DelayOpen (optional, §8.1.1) is not implemented.
 *   <li>A connection from the peer while Established is refused with Cease 6/7 (§6.8 last
 *       paragraph), unless the peer advertised Graceful Restart: then it is taken as the peer's
 *       restart, and once its OPEN is valid the old session is closed (RFC 4724 §4.2).
 *   <li>ROUTE-REFRESH resets the hold timer like KEEPALIVE and UPDATE: it also proves the peer is
 *       alive.
 * </ul>
 */
public final class SessionFsm {
  /** RFC 4271 §8.2.2: the hold timer in OpenSent is "a large value", suggested 4 minutes. */
  public static final Duration LARGE_HOLD_TIME = Duration.ofMinutes(4);

  private SessionFsm() {}

  /** One step: the next state and what to do. Never throws for any event in any state. */
  public static Transition step(SessionState state, FsmEvent event) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(event, "event");
    Work w = new Work(state);
    switch (event.type()) {
      case MANUAL_START, AUTOMATIC_START -> w.start();
      case MANUAL_STOP -> w.stop(adminShutdown(((FsmEvent.ManualStop) event).shutdownText()),
          DownReason.Cause.ADMIN_SHUTDOWN);
      case PEER_DECONFIGURED -> w.stop(Notification.of(NotificationCode.CEASE_PEER_DECONFIGURED),
          DownReason.Cause.PEER_DECONFIGURED);
      case CONNECT_RETRY_TIMER_EXPIRES -> w.connectRetryExpires();
      case TCP_CONNECTION_CONFIRMED -> w.tcpConnectionConfirmed(
          ((FsmEvent.TcpConnectionConfirmed) event).connection());
      case TCP_CR_ACKED, TCP_CONNECTION_FAILS, HOLD_TIMER_EXPIRES, KEEPALIVE_TIMER_EXPIRES,
          OPEN_RECEIVED, KEEPALIVE_RECEIVED, UPDATE_RECEIVED, NOTIFICATION_RECEIVED,
          ROUTE_REFRESH_RECEIVED, MESSAGE_MALFORMED -> {
        FsmEvent.ConnectionEvent ce = (FsmEvent.ConnectionEvent) event;
        // Events for connections we closed or never knew are stale: ignore them.
        w.find(ce.connection()).ifPresent(c -> w.onConnection(c, ce));
      }
    }
    w.reconcileConnectRetry();
    return w.transition();
  }

  /** Cease 6/2, with the RFC 9003 shutdown communication when there is text. */
  static Notification adminShutdown(String text) {
    return text.isEmpty()
        ? Notification.of(NotificationCode.CEASE_ADMINISTRATIVE_SHUTDOWN)
        : Notification.ceaseWithText(NotificationCode.CEASE_ADMINISTRATIVE_SHUTDOWN, text);
  }

  /** The mutable working copy of one step; never escapes {@link #step}. */
  private static final class Work {
    private final PeerSettings settings;
    private boolean started;
    private int failures;
    private boolean restartState;
    private boolean connectRetryArmed;
    private long nextOutboundSerial;
    private long jitterSeed;
    private final List<Connection> conns;
    private final List<Action> actions = new ArrayList<>();

    Work(SessionState s) {
      settings = s.settings();
      started = s.started();
      failures = s.failures();
      restartState = s.restartState();
      connectRetryArmed = s.connectRetryArmed();
      nextOutboundSerial = s.nextOutboundSerial();
      jitterSeed = s.jitterSeed();
      conns = new ArrayList<>(s.connections());
    }

    Transition transition() {
      return new Transition(new SessionState(settings, started, failures, restartState,
          connectRetryArmed, nextOutboundSerial, jitterSeed, conns), actions);
    }

    private void emit(Action a) {
      actions.add(a);
    }

    Optional<Connection> find(ConnectionId id) {
      return conns.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    private Optional<Connection> established() {
      return conns.stream().filter(c -> c.phase() == Phase.ESTABLISHED).findFirst();
    }

    private boolean anyTcpEstablished() {
      return conns.stream().anyMatch(c -> c.phase().tcpEstablished());
    }

    private void replace(Connection updated) {
      for (int i = 0; i < conns.size(); i++) {
        if (conns.get(i).id().equals(updated.id())) {
          conns.set(i, updated);
          return;
        }
      }
      throw new IllegalStateException("no connection " + updated.id());
    }

    // ---- session events ------------------------------------------------------------------

    /** RFC 4271 §8.2.2 Idle, Events 1/3/4/5: ignored unless stopped. */
    void start() {
      if (started) {
        return;
      }
      started = true;
      failures = 0;
      if (!settings.passive()) {
        connect();
      }
      // Passive: Active, listening (Events 4/5); the transport accepts connections.
    }

    /** ManualStop / PeerDeconfigured: Cease on every open connection, then Idle. */
    void stop(Notification cease, DownReason.Cause cause) {
      for (Connection c : List.copyOf(conns)) {
        if (c.phase() == Phase.CONNECT) {
          close(c, Optional.empty(), DownReason.of(cause));
        } else {
          close(c, Optional.of(cease), DownReason.of(cause, cease, ""));
        }
      }
      started = false;
      failures = 0; // RFC 4271 §8.2.2: ManualStop sets ConnectRetryCounter to zero
    }

    /** RFC 4271 §8.2.2 Connect/Active, Event 9: abandon a hanging TCP open and try again. */
    void connectRetryExpires() {
      if (!connectRetryArmed) {
        return; // stale
      }
      connectRetryArmed = false;
      if (!started || settings.passive() || anyTcpEstablished()) {
        return;
      }
      for (Connection c : List.copyOf(conns)) {
        if (c.phase() == Phase.CONNECT) {
          close(c, Optional.empty(), DownReason.of(DownReason.Cause.CONNECT_RETRY_EXPIRED));
          failures++;
        }
      }
      connect();
    }

    private void connect() {
      ConnectionId id = ConnectionId.outbound(nextOutboundSerial++);
      conns.add(new Connection(id, Phase.CONNECT, Optional.empty()));
      emit(new Action.Connect(id));
    }

    /**
     * RFC 4271 §8.2.2 Event 17. Idle refuses; Established refuses with Cease 6/7 (§6.8) unless
     * the peer may be restarting (RFC 4724 §4.2); otherwise OPEN goes out and the connection waits
     * in OpenSent with the large hold time. A second inbound connection replaces the first: the
     * peer only opens a new one after giving up on the old.
     */
    void tcpConnectionConfirmed(ConnectionId id) {
      if (find(id).isPresent()) {
        return; // reported twice
      }
      if (!started) {
        emit(new Action.CloseConnection(id, DownReason.of(DownReason.Cause.CONNECTION_REJECTED)));
        return;
      }
      Optional<Connection> est = established();
      if (est.isPresent() && est.get().negotiated().orElseThrow().peerGracefulRestart().isEmpty()) {
        Notification cease = Notification.of(NotificationCode.CEASE_CONNECTION_COLLISION_RESOLUTION);
        emit(new Action.Send(id, cease));
        emit(new Action.CloseConnection(id, DownReason.of(DownReason.Cause.COLLISION_RESOLUTION,
            cease, "already Established")));
        return;
      }
      for (Connection c : List.copyOf(conns)) {
        if (c.id().isInbound() && c.phase() != Phase.ESTABLISHED) {
          Notification cease =
              Notification.of(NotificationCode.CEASE_CONNECTION_COLLISION_RESOLUTION);
          close(c, Optional.of(cease), DownReason.of(DownReason.Cause.COLLISION_RESOLUTION, cease,
              "replaced by " + id));
        }
      }
      Connection c = new Connection(id, Phase.CONNECT, Optional.empty());
      conns.add(c);
      sendOpen(c);
    }

    /** TCP is up: OPEN out, large hold timer, OpenSent (RFC 4271 §8.2.2 Events 16/17). */
    private void sendOpen(Connection c) {
      replace(c.with(Phase.OPEN_SENT, Optional.empty()));
      emit(new Action.Send(c.id(), LocalOpen.build(settings, restartState)));
      emit(new Action.ArmTimer(TimerKey.hold(c.id()), LARGE_HOLD_TIME));
    }

    // ---- connection events ---------------------------------------------------------------

    void onConnection(Connection c, FsmEvent.ConnectionEvent e) {
      if (c.phase() == Phase.CONNECT && e.type() != FsmEvent.Type.TCP_CR_ACKED
          && e.type() != FsmEvent.Type.TCP_CONNECTION_FAILS) {
        return; // no TCP connection yet: nothing can arrive on it, no timer of it runs
      }
      switch (e.type()) {
        case TCP_CR_ACKED -> {
          if (c.phase() == Phase.CONNECT) {
            sendOpen(c);
          }
        }
        case TCP_CONNECTION_FAILS -> tcpFails(c);
        case HOLD_TIMER_EXPIRES -> {
          if (holdTimerRuns(c)) {
            Notification n = Notification.of(NotificationCode.HOLD_TIMER_EXPIRED);
            fail(c, Optional.of(n), DownReason.of(DownReason.Cause.HOLD_TIMER_EXPIRED, n, ""));
          }
        }
        case KEEPALIVE_TIMER_EXPIRES -> {
          if (keepaliveTimerRuns(c)) {
            emit(new Action.Send(c.id(), Keepalive.INSTANCE));
            armKeepalive(c);
          }
        }
        case OPEN_RECEIVED -> openReceived(c, ((FsmEvent.OpenReceived) e).open());
        case KEEPALIVE_RECEIVED -> keepaliveReceived(c);
        case UPDATE_RECEIVED -> updateReceived(c, ((FsmEvent.UpdateReceived) e).message());
        case NOTIFICATION_RECEIVED -> {
          if (c.phase().tcpEstablished()) {
            // RFC 4271 §6.4: a NOTIFICATION is never answered with one.
            Notification n = ((FsmEvent.NotificationReceived) e).notification();
            fail(c, Optional.empty(), DownReason.of(DownReason.Cause.NOTIFICATION_RECEIVED, n, ""));
          }
        }
        case ROUTE_REFRESH_RECEIVED ->
            routeRefreshReceived(c, ((FsmEvent.RouteRefreshReceived) e).routeRefresh());
        case MESSAGE_MALFORMED -> {
          if (c.phase().tcpEstablished()) {
            BgpError err = ((FsmEvent.MessageMalformed) e).error();
            Notification n = err.toNotification();
            fail(c, Optional.of(n),
                DownReason.of(DownReason.Cause.MALFORMED_MESSAGE, n, err.detail()));
          }
        }
        default -> throw new IllegalStateException("not a connection event: " + e.type());
      }
    }

    private boolean holdTimerRuns(Connection c) {
      return switch (c.phase()) {
        case OPEN_SENT -> true;
        case OPEN_CONFIRM, ESTABLISHED -> c.negotiated().orElseThrow().holdTimerEnabled();
        case IDLE, CONNECT, ACTIVE -> false;
      };
    }

    private boolean keepaliveTimerRuns(Connection c) {
      return (c.phase() == Phase.OPEN_CONFIRM || c.phase() == Phase.ESTABLISHED)
          && c.negotiated().orElseThrow().holdTimerEnabled();
    }

    /**
     * RFC 4271 §8.2.2 Event 18. A failed TCP open leaves us in Active (Connect state, Event 18);
     * losing an OpenSent connection too (OpenSent, Event 18); losing a later one is a failure.
     */
    private void tcpFails(Connection c) {
      DownReason.Cause cause = c.phase() == Phase.CONNECT
          ? DownReason.Cause.CONNECT_FAILED : DownReason.Cause.CONNECTION_LOST;
      fail(c, Optional.empty(), DownReason.of(cause));
    }

    private void openReceived(Connection c, Open open) {
      if (c.phase() != Phase.OPEN_SENT) {
        fsmError(c); // a second OPEN on one connection (5/2, 5/3)
        return;
      }
      Optional<BgpError> bad = OpenValidator.check(settings, open);
      if (bad.isPresent()) {
        Notification n = bad.get().toNotification();
        fail(c, Optional.of(n), DownReason.of(DownReason.Cause.OPEN_REJECTED, n, bad.get().detail()));
        return;
      }
      Optional<Connection> est = established();
      if (est.isPresent()) {
        if (est.get().negotiated().orElseThrow().peerGracefulRestart().isPresent()) {
          // RFC 4724 §4.2: the peer restarted; its old session is gone.
          close(est.get(), Optional.empty(), DownReason.of(DownReason.Cause.PEER_RESTARTED));
        } else {
          loseCollision(c, "already Established"); // RFC 4271 §6.8 last paragraph
          return;
        }
      }
      for (Connection other : List.copyOf(conns)) {
        if (other != c && other.phase() == Phase.OPEN_CONFIRM) {
          if (keepsFirst(other, c, open)) {
            loseCollision(c, "collision with " + other.id());
            return;
          }
          loseCollision(other, "collision with " + c.id());
        }
      }
      Negotiated n = Negotiated.between(settings, open);
      Connection confirmed = c.with(Phase.OPEN_CONFIRM, Optional.of(n));
      replace(confirmed);
      emit(new Action.SetCodecContext(c.id(), n.codecContext()));
      emit(new Action.Send(c.id(), Keepalive.INSTANCE));
      if (n.holdTimerEnabled()) {
        emit(new Action.ArmTimer(TimerKey.hold(c.id()), n.holdTime()));
        armKeepalive(confirmed);
      } else {
        // RFC 4271 §8.2.2 OpenSent Event 19: with a zero hold time neither timer runs.
        emit(new Action.CancelTimer(TimerKey.hold(c.id())));
      }
    }

    /**
     * RFC 4271 §6.8 collision resolution between {@code existing} (OpenConfirm) and {@code
     * incoming} (whose OPEN just arrived). True when {@code existing} survives. The connection
     * opened by the speaker with the higher BGP Identifier (unsigned) survives; with equal
     * identifiers (eBGP, RFC 6286 §2.3) the one opened by the speaker with the larger AS.
     */
    private boolean keepsFirst(Connection existing, Connection incoming, Open open) {
      if (existing.id().direction() == incoming.id().direction()) {
        return true; // cannot happen (one connection per direction); keep the older
      }
      long local = settings.localRouterId().value();
      long remote = open.bgpIdentifier().value();
      boolean keepOutbound = local != remote
          ? local > remote
          : settings.localAsn().value() > settings.peerAsn().value();
      return existing.id().isInbound() != keepOutbound;
    }

    private void loseCollision(Connection loser, String detail) {
      Notification cease = Notification.of(NotificationCode.CEASE_CONNECTION_COLLISION_RESOLUTION);
      close(loser, Optional.of(cease),
          DownReason.of(DownReason.Cause.COLLISION_RESOLUTION, cease, detail));
    }

    private void keepaliveReceived(Connection c) {
      switch (c.phase()) {
        case OPEN_SENT -> fsmError(c);
        case OPEN_CONFIRM -> establish(c);
        case ESTABLISHED -> restartHold(c);
        case IDLE, CONNECT, ACTIVE -> { }
      }
    }

    /** RFC 4271 §8.2.2 OpenConfirm Event 26: Established. */
    private void establish(Connection c) {
      for (Connection other : List.copyOf(conns)) {
        if (other != c) {
          if (other.phase() == Phase.CONNECT) {
            close(other, Optional.empty(), DownReason.of(DownReason.Cause.COLLISION_RESOLUTION));
          } else {
            loseCollision(other, c.id() + " is Established");
          }
        }
      }
      Negotiated n = c.negotiated().orElseThrow();
      replace(c.with(Phase.ESTABLISHED, c.negotiated()));
      failures = 0;
      restartState = false; // RFC 4724 §4.1: R is set only in the OPEN right after a restart
      restartHold(c);
      emit(new Action.SessionEstablished(c.id(), n));
      for (AddressFamily f : n.orderedFamilies()) {
        emit(new Action.AdvertiseTable(c.id(), f, TableFraming.INITIAL));
      }
    }

    private void updateReceived(Connection c, Inbound.Message m) {
      if (c.phase() != Phase.ESTABLISHED) {
        fsmError(c);
        return;
      }
      Optional<BgpError> fatal = m.issues().stream()
          .filter(i -> i.action().compareTo(ErrorAction.AFI_SAFI_DISABLE) >= 0)
          .reduce((a, b) -> b.action().compareTo(a.action()) > 0 ? b : a);
      if (fatal.isPresent()) {
        // No AFI/SAFI disable here (RFC 7606 §2): reset, with the strongest issue's NOTIFICATION.
        Notification n = fatal.get().toNotification();
        fail(c, Optional.of(n),
            DownReason.of(DownReason.Cause.MALFORMED_MESSAGE, n, fatal.get().detail()));
        return;
      }
      restartHold(c);
      if (!m.issues().isEmpty()) {
        emit(new Action.InboundIssue(c.id(), m.issues()));
      }
    }

    /**
     * RFC 2918 §4: re-send the family's routes; RFC 7313 §4: wrapped in BoRR/EoRR when enhanced
     * route refresh was negotiated. A request for a family not negotiated is ignored (RFC 2918
     * §4), as are BoRR/EoRR from the peer (we keep no routes from it) and unknown subtypes (RFC
     * 7313 §5).
     */
    private void routeRefreshReceived(Connection c, RouteRefresh rr) {
      if (c.phase() != Phase.ESTABLISHED) {
        fsmError(c);
        return;
      }
      restartHold(c);
      Negotiated n = c.negotiated().orElseThrow();
      if (!n.routeRefresh() || rr.subtype() != RouteRefresh.NORMAL) {
        return;
      }
      Optional<AddressFamily> family = Afi.fromCode(rr.afi()).flatMap(afi ->
          Safi.fromCode(rr.safi()).map(safi -> new AddressFamily(afi, safi)));
      if (family.isEmpty() || !n.families().contains(family.get())) {
        return;
      }
      emit(new Action.AdvertiseTable(c.id(), family.get(),
          n.enhancedRouteRefresh() ? TableFraming.ENHANCED_REFRESH : TableFraming.REFRESH));
    }

    /** RFC 6608: an unexpected message gets 5/1, 5/2 or 5/3 by state. */
    private void fsmError(Connection c) {
      NotificationCode code = switch (c.phase()) {
        case OPEN_SENT -> NotificationCode.FSM_UNEXPECTED_IN_OPEN_SENT;
        case OPEN_CONFIRM -> NotificationCode.FSM_UNEXPECTED_IN_OPEN_CONFIRM;
        case ESTABLISHED -> NotificationCode.FSM_UNEXPECTED_IN_ESTABLISHED;
        case IDLE, CONNECT, ACTIVE -> NotificationCode.FSM_ERROR;
      };
      Notification n = Notification.of(code);
      fail(c, Optional.of(n), DownReason.of(DownReason.Cause.FSM_ERROR, n, ""));
    }

    private void restartHold(Connection c) {
      if (c.negotiated().orElseThrow().holdTimerEnabled()) {
        emit(new Action.ArmTimer(TimerKey.hold(c.id()), c.negotiated().get().holdTime()));
      }
    }

    private void armKeepalive(Connection c) {
      Duration keepalive = c.negotiated().orElseThrow().keepaliveTime();
      emit(new Action.ArmTimer(TimerKey.keepalive(c.id()), jittered(keepalive)));
    }

    /** Closes {@code c} as a failure: counts toward the ConnectRetry back-off. */
    private void fail(Connection c, Optional<Notification> send, DownReason reason) {
      close(c, send, reason);
      failures++;
    }

    /** Cancels the connection's timers, reports down, sends the NOTIFICATION if any, closes. */
    private void close(Connection c, Optional<Notification> send, DownReason reason) {
      conns.removeIf(x -> x.id().equals(c.id()));
      if (c.phase().tcpEstablished()) {
        emit(new Action.CancelTimer(TimerKey.hold(c.id())));
        emit(new Action.CancelTimer(TimerKey.keepalive(c.id())));
      }
      if (c.phase() == Phase.ESTABLISHED) {
        emit(new Action.SessionDown(c.id(), reason));
      }
      send.ifPresent(n -> emit(new Action.Send(c.id(), n)));
      emit(new Action.CloseConnection(c.id(), reason)); // always the last word on an id
    }

    // ---- timers --------------------------------------------------------------------------

    /**
     * ConnectRetry runs exactly while an active session has no connection past TCP setup: in
     * Connect (bounding our TCP open) and in Active (waiting to connect again).
     */
    void reconcileConnectRetry() {
      boolean want = started && !settings.passive() && !anyTcpEstablished();
      if (want && !connectRetryArmed) {
        emit(new Action.ArmTimer(TimerKey.CONNECT_RETRY, connectRetryDelay()));
        connectRetryArmed = true;
      } else if (!want && connectRetryArmed) {
        emit(new Action.CancelTimer(TimerKey.CONNECT_RETRY));
        connectRetryArmed = false;
      }
    }

    /** ConnectRetryTime × 2^(failures−1), capped, jittered; the first wait is ConnectRetryTime. */
    private Duration connectRetryDelay() {
      return jittered(backoff(settings, failures));
    }

    private Duration jittered(Duration d) {
      if (!settings.jitter()) {
        return d;
      }
      // splitmix64: a pure pseudo-random step; the state carries the seed.
      long z = (jitterSeed += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z = z ^ (z >>> 31);
      double fraction = (z >>> 11) * 0x1.0p-53;
      return jitter(d, fraction);
    }
  }

  /** The un-jittered ConnectRetry wait after {@code failures} consecutive failures. */
  public static Duration backoff(PeerSettings settings, int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    long base = settings.connectRetryTime().toMillis();
    long cap = settings.maxConnectRetryTime().toMillis();
    long millis = base > (cap >> doublings) ? cap : Math.min(cap, base << doublings);
    return Duration.ofMillis(Math.max(millis, 1));
  }

  /** RFC 4271 §10: {@code d} times a factor in 0.75..1.0 chosen by {@code fraction} in [0, 1). */
  public static Duration jitter(Duration d, double fraction) {
    double factor = 0.75 + 0.25 * fraction;
    long millis = Math.round(d.toMillis() * factor);
    return Duration.ofMillis(Math.max(millis, 1));
  }
}
