package io.herald.protocol.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.types.RouterId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random event sequences, mostly events a real shell could produce (for connections the
 * FSM knows, timers it armed), mixed with stale and unknown ones. After every step the invariants
 * hold: no exception; at most one Established connection; OPEN before KEEPALIVE on a connection;
 * nothing about a connection after its CloseConnection; exactly one CloseConnection per known id;
 * Established sessions report SessionDown when they close.
 */
class SessionFsmRandomTest {
  private static final int STEPS = 2_500;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 17, 42, 4711, 65535, 123456789})
  void invariantsHoldForRandomEventSequences(long seed) {
    Random rnd = new Random(seed);
    PeerSettings settings = Fixtures.settings()
        .withPassive(rnd.nextInt(4) == 0)
        .withJitter(rnd.nextBoolean())
        .withHoldTime(Duration.ofSeconds(rnd.nextBoolean() ? 90 : 0))
        .withFamilies(List.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST));
    SessionState state = SessionState.initial(settings, seed);

    Set<ConnectionId> closed = new HashSet<>();
    Set<ConnectionId> known = new HashSet<>();
    Set<ConnectionId> openSent = new HashSet<>();
    Set<ConnectionId> established = new HashSet<>();
    Map<TimerKey, Boolean> armed = new HashMap<>();
    long nextInbound = 1000;
    int sessionsEstablished = 0;
    int collisionsResolved = 0;

    for (int step = 0; step < STEPS; step++) {
      FsmEvent event = randomEvent(rnd, state, armed, nextInbound);
      if (event instanceof FsmEvent.TcpConnectionConfirmed) {
        nextInbound++;
      }
      Transition t;
      try {
        t = SessionFsm.step(state, event);
      } catch (RuntimeException e) {
        throw new AssertionError("step " + step + " " + event + " in " + state, e);
      }
      if (event instanceof FsmEvent.TcpConnectionConfirmed c) {
        known.add(c.connection());
      }
      for (Action a : t.actions()) {
        Optional<ConnectionId> id = a.appliesTo();
        if (id.isPresent() && closed.contains(id.get())) {
          fail("step %d: %s after CloseConnection of %s (event %s)", step, a, id.get(), event);
        }
        switch (a.type()) {
          case CONNECT -> known.add(id.get());
          case SEND -> {
            MessageType type = ((Action.Send) a).message().type();
            if (type == MessageType.OPEN) {
              assertThat(openSent.add(id.get())).as("one OPEN per connection").isTrue();
            } else if (type != MessageType.NOTIFICATION) {
              assertThat(openSent).as("OPEN before %s on %s", type, id.get()).contains(id.get());
            }
          }
          case CLOSE_CONNECTION -> {
            assertThat(known).as("closing a connection the FSM knew").contains(id.get());
            closed.add(id.get());
            if (((Action.CloseConnection) a).reason().cause()
                == DownReason.Cause.COLLISION_RESOLUTION) {
              collisionsResolved++;
            }
            armed.keySet().removeIf(k -> k.connection().equals(id));
          }
          case ARM_TIMER -> armed.put(((Action.ArmTimer) a).key(), true);
          case CANCEL_TIMER -> armed.remove(((Action.CancelTimer) a).key());
          case SESSION_ESTABLISHED -> {
            sessionsEstablished++;
            established.add(id.get());
            assertThat(established).as("one Established at a time").hasSize(1);
          }
          case SESSION_DOWN -> assertThat(established.remove(id.get())).isTrue();
          case SET_CODEC_CONTEXT, ADVERTISE_TABLE, INBOUND_ISSUE -> { }
        }
      }
      state = t.next();
      long estCount = state.connections().stream()
          .filter(c -> c.phase() == Phase.ESTABLISHED).count();
      assertThat(estCount).isLessThanOrEqualTo(1);
      assertThat(state.connections().stream().filter(c -> c.id().isInbound()).count())
          .isLessThanOrEqualTo(state.established().isPresent() ? 2 : 1);
      for (Connection c : state.connections()) {
        assertThat(closed).doesNotContain(c.id());
      }
      assertThat(established).isEqualTo(
          state.established().map(c -> Set.of(c.id())).orElse(Set.of()));
    }
    // Every id the FSM learned of and dropped was closed exactly once (the set cannot tell
    // twice, but the "no action after CloseConnection" check above does).
    Set<ConnectionId> live = new HashSet<>();
    state.connections().forEach(c -> live.add(c.id()));
    Set<ConnectionId> expectClosed = new HashSet<>(known);
    expectClosed.removeAll(live);
    assertThat(closed).containsAll(expectClosed);
    // The sequences must reach the interesting states, or the invariants prove little.
    assertThat(sessionsEstablished).isPositive();
    assertThat(collisionsResolved).isPositive();
  }

  private static FsmEvent randomEvent(Random rnd, SessionState s, Map<TimerKey, Boolean> armed,
      long nextInbound) {
    List<ConnectionId> ids = new ArrayList<>();
    s.connections().forEach(c -> ids.add(c.id()));
    // Mostly a live connection; sometimes a stale or unknown one.
    ConnectionId id = !ids.isEmpty() && rnd.nextInt(10) < 8
        ? ids.get(rnd.nextInt(ids.size()))
        : (rnd.nextBoolean() ? ConnectionId.outbound(rnd.nextInt(5)) : ConnectionId.inbound(rnd.nextInt(5)));
    int pick = rnd.nextInt(100);
    if (pick < 3) {
      return new FsmEvent.ManualStart();
    } else if (pick < 5) {
      return new FsmEvent.AutomaticStart();
    } else if (pick < 6) {
      return new FsmEvent.ManualStop(rnd.nextBoolean() ? "" : "maintenance");
    } else if (pick < 7) {
      return new FsmEvent.PeerDeconfigured();
    } else if (pick < 15) {
      List<TimerKey> keys = new ArrayList<>(armed.keySet());
      if (!keys.isEmpty() && rnd.nextInt(10) < 8) {
        return keys.get(rnd.nextInt(keys.size())).expiryEvent();
      }
      return switch (rnd.nextInt(3)) {
        case 0 -> new FsmEvent.ConnectRetryTimerExpires();
        case 1 -> new FsmEvent.HoldTimerExpires(id);
        default -> new FsmEvent.KeepaliveTimerExpires(id);
      };
    } else if (pick < 25) {
      return id.isInbound() ? new FsmEvent.TcpConnectionFails(id) : new FsmEvent.TcpCrAcked(id);
    } else if (pick < 32) {
      return new FsmEvent.TcpConnectionConfirmed(ConnectionId.inbound(nextInbound));
    } else if (pick < 37) {
      return new FsmEvent.TcpConnectionFails(id);
    } else if (pick < 55) {
      return new FsmEvent.OpenReceived(id, randomOpen(rnd));
    } else if (pick < 75) {
      return new FsmEvent.KeepaliveReceived(id);
    } else if (pick < 85) {
      ErrorAction[] actions = ErrorAction.values();
      return new FsmEvent.UpdateReceived(id, rnd.nextBoolean() ? Fixtures.update()
          : Fixtures.updateWithIssue(actions[rnd.nextInt(actions.length)]));
    } else if (pick < 90) {
      return new FsmEvent.RouteRefreshReceived(id, Fixtures.refresh(
          rnd.nextBoolean() ? AddressFamily.IPV4_UNICAST : AddressFamily.IPV6_UNICAST,
          rnd.nextInt(4)));
    } else if (pick < 95) {
      return new FsmEvent.NotificationReceived(id, Notification.of(NotificationCode.CEASE));
    }
    return new FsmEvent.MessageMalformed(id, Fixtures.badLength());
  }

  private static Open randomOpen(Random rnd) {
    Open base = Fixtures.peerOpen();
    if (rnd.nextInt(4) == 0) {
      base = Fixtures.withCapability(base, new Capability.GracefulRestart(false, 90, List.of()));
    }
    if (rnd.nextInt(3) == 0) {
      RouterId id = rnd.nextBoolean() ? Fixtures.LOCAL_ID : RouterId.parse("203.0.113.9");
      base = Fixtures.withId(base, id);
    }
    return switch (rnd.nextInt(10)) {
      case 0 -> Fixtures.withHold(base, rnd.nextInt(4));
      case 1 -> Fixtures.withId(base, new RouterId(0));
      default -> base;
    };
  }
}
