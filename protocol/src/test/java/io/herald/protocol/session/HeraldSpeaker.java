package io.herald.protocol.session;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Update;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Our speaker as the interop tests drive it: one {@link BgpPeer} with a listener that records
 * state changes, table reports and UPDATEs received, in process on loopback.
 */
final class HeraldSpeaker implements AutoCloseable, PeerListener {
  final BgpTransport transport = new BgpTransport();
  final List<String> states = new CopyOnWriteArrayList<>();
  final List<String> tables = new CopyOnWriteArrayList<>();
  final List<Update> updates = new CopyOnWriteArrayList<>();
  final List<BgpError> issues = new CopyOnWriteArrayList<>();
  final List<Established> established = new CopyOnWriteArrayList<>();
  BgpPeer peer;
  BgpListener listener;

  /** Builder-ish settings; defaults suit a loopback router on a non-default port. */
  static final class Settings {
    String local = "127.0.0.3";
    String peer = "127.0.0.2";
    int peerPort;
    long localAs = 64512;
    long peerAs = 64500;
    Duration hold = Duration.ofSeconds(9);
    String password;
    Integer ttl;
    boolean passive;
    int listenPort;
    Set<AddressFamily> families = Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);
  }

  private final PeerListener also;

  private HeraldSpeaker(PeerListener also) {
    this.also = also;
  }

  static HeraldSpeaker start(Settings s, Map<Prefix, RouteAttributes> routes) {
    return start(s, routes, new PeerListener() {});
  }

  /** As {@link #start(Settings, Map)}, also telling {@code also} of every event. */
  static HeraldSpeaker start(Settings s, Map<Prefix, RouteAttributes> routes, PeerListener also) {
    HeraldSpeaker h = new HeraldSpeaker(also);
    PeerConfig config = new PeerConfig(
        new InetSocketAddress(IpLiterals.parse(s.peer), s.peerPort == 0 ? 179 : s.peerPort),
        Asn.of(s.localAs), Asn.of(s.peerAs), RouterId.parse(s.local.contains(":") ? "192.0.2.11" : s.local),
        s.hold, Duration.ofMillis(500), s.passive,
        new TcpSettings(Optional.of(IpLiterals.parse(s.local)), Optional.ofNullable(s.password),
            s.ttl == null ? OptionalInt.empty() : OptionalInt.of(s.ttl)),
        s.families, true, Duration.ofSeconds(120), false);
    h.peer = BgpPeer.create(h.transport, config, h);
    h.peer.setRoutes(routes);
    if (s.passive) {
      h.listener = BgpListener.bind(h.transport,
          new InetSocketAddress(IpLiterals.parse(s.local), s.listenPort), List.of(h.peer));
    }
    h.peer.start();
    return h;
  }

  @Override
  public void stateChanged(String from, String to, String reason) {
    states.add(to + (reason.isEmpty() ? "" : " " + reason));
    also.stateChanged(from, to, reason);
  }

  @Override
  public void established(Established info) {
    established.add(info);
    also.established(info);
  }

  @Override
  public void tableSent(int announced, int withdrawn, Duration elapsed) {
    tables.add(announced + "/" + withdrawn);
    also.tableSent(announced, withdrawn, elapsed);
  }

  @Override
  public void updateReceived(Update update, List<BgpError> found) {
    updates.add(update);
    issues.addAll(found);
    also.updateReceived(update, found);
  }

  boolean everEstablished() {
    return !established.isEmpty();
  }

  long establishedCount() {
    return states.stream().filter(s -> s.startsWith("Established")).count();
  }

  boolean anyState(Predicate<String> p) {
    return states.stream().anyMatch(p);
  }

  @Override
  public void close() throws Exception {
    try {
      peer.shutdown("test finished").get(5, TimeUnit.SECONDS);
    } finally {
      if (listener != null) {
        listener.close();
      }
      transport.close();
    }
  }
}
