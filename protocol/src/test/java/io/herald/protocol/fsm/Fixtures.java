package io.herald.protocol.fsm;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Update;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.RouterId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Shared settings, peer OPENs and a compact rendering of actions for FSM tests. */
final class Fixtures {
  private Fixtures() {}

  static final Asn LOCAL_AS = Asn.of(64512);
  static final Asn PEER_AS = Asn.of(64513);
  static final RouterId LOCAL_ID = RouterId.parse("192.0.2.1");
  static final RouterId PEER_ID = RouterId.parse("192.0.2.2");
  static final ConnectionId OUT0 = ConnectionId.outbound(0);
  static final ConnectionId IN7 = ConnectionId.inbound(7);

  /** Active, IPv4 unicast, 90 s hold, 5 s..120 s connect retry, no jitter: exact durations. */
  static PeerSettings settings() {
    return PeerSettings.defaults(LOCAL_AS, PEER_AS, LOCAL_ID).withJitter(false);
  }

  /** A modern peer: AS4, route refresh (+ enhanced), IPv4 unicast, extended message, 90 s. */
  static Open peerOpen() {
    return peerOpen(PEER_AS, PEER_ID, 90, List.of(
        new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
        new Capability.RouteRefresh(),
        new Capability.EnhancedRouteRefresh(),
        new Capability.FourOctetAs(PEER_AS),
        new Capability.ExtendedMessage()));
  }

  static Open peerOpen(Asn asn, RouterId id, int hold, List<Capability> caps) {
    return Open.of(asn, hold, id, caps);
  }

  static Open withHold(Open o, int hold) {
    return new Open(o.version(), o.myAutonomousSystem(), hold, o.bgpIdentifier(), o.capabilities());
  }

  static Open withId(Open o, RouterId id) {
    return new Open(o.version(), o.myAutonomousSystem(), o.holdTimeSeconds(), id, o.capabilities());
  }

  static Open withCapability(Open o, Capability extra) {
    List<Capability> caps = new ArrayList<>(o.capabilities());
    caps.add(extra);
    return new Open(o.version(), o.myAutonomousSystem(), o.holdTimeSeconds(), o.bgpIdentifier(),
        caps);
  }

  static Inbound.Message update() {
    return Inbound.Message.clean(new Update(List.of(), List.of(), List.of()));
  }

  static Inbound.Message updateWithIssue(ErrorAction action) {
    return new Inbound.Message(new Update(List.of(), List.of(), List.of()), List.of(
        new BgpError(NotificationCode.INVALID_ORIGIN_ATTRIBUTE, Octets.of(0x40, 1, 1, 7), action,
            "ORIGIN value 7")));
  }

  static Notification cease() {
    return Notification.of(NotificationCode.CEASE_ADMINISTRATIVE_SHUTDOWN);
  }

  static RouteRefresh refresh(AddressFamily f, int subtype) {
    return RouteRefresh.of(f, subtype);
  }

  static BgpError badLength() {
    return BgpError.reset(NotificationCode.BAD_MESSAGE_LENGTH, Octets.ofUnsignedShort(5), "length 5");
  }

  /** Runs events from {@code s}, returning the final transition. */
  static Transition run(SessionState s, FsmEvent... events) {
    Transition t = new Transition(s, List.of());
    for (FsmEvent e : events) {
      t = SessionFsm.step(t.next(), e);
    }
    return t;
  }

  static SessionState idle(PeerSettings settings) {
    return SessionState.initial(settings, 42);
  }

  static SessionState connect(PeerSettings settings) {
    return run(idle(settings), new FsmEvent.ManualStart()).next();
  }

  static SessionState active(PeerSettings settings) {
    return run(connect(settings), new FsmEvent.TcpConnectionFails(OUT0)).next();
  }

  static SessionState openSent(PeerSettings settings) {
    return run(connect(settings), new FsmEvent.TcpCrAcked(OUT0)).next();
  }

  static SessionState openConfirm(PeerSettings settings, Open peer) {
    return run(openSent(settings), new FsmEvent.OpenReceived(OUT0, peer)).next();
  }

  static SessionState established(PeerSettings settings, Open peer) {
    return run(openConfirm(settings, peer), new FsmEvent.KeepaliveReceived(OUT0)).next();
  }

  /** A compact, exact rendering of actions, e.g. "Send(out-0,NOTIFICATION 6/2)". */
  static List<String> render(List<Action> actions) {
    return actions.stream().map(Fixtures::render).collect(Collectors.toList());
  }

  static String render(Action a) {
    return switch (a.type()) {
      case CONNECT -> "Connect(" + ((Action.Connect) a).connection() + ")";
      case SEND -> {
        Action.Send s = (Action.Send) a;
        String what = s.message() instanceof Notification n
            ? "NOTIFICATION " + n.code() + "/" + n.subcode()
            : s.message().type().name();
        yield "Send(" + s.connection() + "," + what + ")";
      }
      case SET_CODEC_CONTEXT -> "Codec(" + ((Action.SetCodecContext) a).connection() + ")";
      case CLOSE_CONNECTION -> {
        Action.CloseConnection c = (Action.CloseConnection) a;
        yield "Close(" + c.connection() + "," + c.reason().cause().token() + ")";
      }
      case ARM_TIMER -> {
        Action.ArmTimer t = (Action.ArmTimer) a;
        yield "Arm(" + t.key() + "," + t.duration() + ")";
      }
      case CANCEL_TIMER -> "Cancel(" + ((Action.CancelTimer) a).key() + ")";
      case SESSION_ESTABLISHED -> "Established(" + ((Action.SessionEstablished) a).connection() + ")";
      case SESSION_DOWN -> {
        Action.SessionDown d = (Action.SessionDown) a;
        yield "Down(" + d.connection() + "," + d.reason().cause().token() + ")";
      }
      case ADVERTISE_TABLE -> {
        Action.AdvertiseTable t = (Action.AdvertiseTable) a;
        yield "Table(" + t.connection() + "," + t.family() + "," + t.framing() + ")";
      }
      case INBOUND_ISSUE -> "Issue(" + ((Action.InboundIssue) a).connection() + ","
          + ((Action.InboundIssue) a).issues().size() + ")";
    };
  }
}
