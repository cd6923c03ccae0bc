package io.herald.protocol.session;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.codec.MessageEncoder;
import io.herald.protocol.codec.UpdatePacker;
import io.herald.protocol.fsm.Action;
import io.herald.protocol.fsm.ConnectionId;
import io.herald.protocol.fsm.DownReason;
import io.herald.protocol.fsm.FsmEvent;
import io.herald.protocol.fsm.Negotiated;
import io.herald.protocol.fsm.PeerSettings;
import io.herald.protocol.fsm.Phase;
import io.herald.protocol.fsm.SessionFsm;
import io.herald.protocol.fsm.SessionState;
import io.herald.protocol.fsm.TableFraming;
import io.herald.protocol.fsm.TimerKey;
import io.herald.protocol.fsm.Transition;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Update;
import io.herald.protocol.netty.BgpFrameDecoder;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.SessionBridgeHandler;
import io.herald.protocol.rib.AdjRibOut;
import io.herald.protocol.rib.PathAttributes;
import io.herald.protocol.rib.RibDelta;
import io.herald.protocol.types.Prefix;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured BGP peering: the thin shell around {@link SessionFsm}. Everything runs on one
 * Netty event loop, so the FSM state, timers, channels and the Adj-RIB-Out need no locks; public
 * methods hop onto that loop. The shell only carries out the FSM's actions and moves the desired
 * routes through the Adj-RIB-Out into packed UPDATEs.
 */
public final class BgpPeer {
  private static final Logger log = LoggerFactory.getLogger(BgpPeer.class);

  /** Prefixes taken from the Adj-RIB-Out per round, so a slow channel is noticed between rounds. */
  private static final int PREFIXES_PER_ROUND = 16_384;
  /** RFC 4271 §5.1.5: LOCAL_PREF is sent to internal peers; 100 is the customary default. */
  private static final long DEFAULT_LOCAL_PREF = 100;

  private final BgpTransport transport;
  private final PeerConfig config;
  private final PeerListener listener;
  private final EventLoop loop;
  private final AdjRibOut rib = new AdjRibOut();

  private SessionState state;
  private final Map<ConnectionId, Conn> connections = new HashMap<>();
  private final Map<TimerKey, ScheduledFuture<?>> timers = new HashMap<>();
  private long nextInboundSerial;

  // The Established session, if any.
  private ConnectionId established;
  /** Export results per attribute instance, [IPv4, IPv6]; an empty Optional: not sendable. */
  private final Map<RouteAttributes, Optional<PathAttributes>[]> exported = new IdentityHashMap<>();
  /** Export results kept between full sets before the cache starts afresh. */
  private static final int EXPORTED_KEPT = 4096;
  private final Set<AddressFamily> endOfRibPending = new LinkedHashSet<>();
  private final Set<AddressFamily> endOfRouteRefreshPending = new LinkedHashSet<>();
  private boolean drainRequested;
  private long batchStartNanos;
  private int batchAnnounced;
  private int batchWithdrawn;

  /** The initial feed packed before the session exists ({@link #prePack}), or null. */
  private PrePacked prePacked;
  private final AtomicLong prePackedFeeds = new AtomicLong();

  /** Callers of {@link #whenWritable()} waiting for the Established channel to drain. */
  private final List<CompletableFuture<Void>> writableWaiters = new ArrayList<>();
  /** The Established session's channel, for readers on other threads (pending bytes). */
  private volatile Channel establishedChannel;

  private final AtomicLong updatesSent = new AtomicLong();
  private final AtomicLong prefixesAnnounced = new AtomicLong();
  private volatile Phase phase = Phase.IDLE;

  /** One TCP connection the FSM knows of. */
  private static final class Conn {
    Channel channel;
    ChannelFuture connecting;
    CodecContext codec = CodecContext.INITIAL;
  }

  private BgpPeer(BgpTransport transport, PeerConfig config, PeerListener listener) {
    this.transport = transport;
    this.config = config;
    this.listener = listener;
    this.loop = transport.nextEventLoop();
    this.state = SessionState.initial(settings(config), ThreadLocalRandom.current().nextLong());
  }

  public static BgpPeer create(BgpTransport transport, PeerConfig config, PeerListener listener) {
    return new BgpPeer(transport, config, listener);
  }

  static PeerSettings settings(PeerConfig c) {
    List<AddressFamily> families = new ArrayList<>();
    // IPv4 first when both: End-of-RIB goes out in this order.
    if (c.families().contains(AddressFamily.IPV4_UNICAST)) {
      families.add(AddressFamily.IPV4_UNICAST);
    }
    if (c.families().contains(AddressFamily.IPV6_UNICAST)) {
      families.add(AddressFamily.IPV6_UNICAST);
    }
    PeerSettings s = PeerSettings.defaults(c.localAs(), c.peerAs(), c.routerId())
        .withHoldTime(c.holdTime())
        .withConnectRetry(c.connectRetry(), PeerSettings.DEFAULT_MAX_CONNECT_RETRY_TIME)
        .withPassive(c.passive())
        .withFamilies(families);
    if (c.gracefulRestart()) {
      s = s.withGracefulRestart(Optional.of(
          new PeerSettings.GracefulRestartSettings(c.restartTime(), c.restarting())));
    }
    return s;
  }

  public PeerConfig config() {
    return config;
  }

  /** The FSM state as last seen (readable from any thread). */
  public Phase phase() {
    return phase;
  }

  public long updatesSent() {
    return updatesSent.get();
  }

  /** Starts the session (RFC 4271 §8.1.2 Event 1, ManualStart; passive per configuration). */
  public void start() {
    onLoop(() -> apply(new FsmEvent.ManualStart()));
  }

  /**
   * The complete set of routes this peer should have, replacing the previous one. Only the
   * difference goes on the wire; the session is never reset for it.
   */
  public void setRoutes(Map<Prefix, RouteAttributes> desired) {
    Map<Prefix, RouteAttributes> copy = Map.copyOf(desired);
    onLoop(() -> {
      if (established != null) {
        markBatchStart();
      }
      exportDesired(copy);
      drain();
    });
  }

  /**
   * Changes part of the route set: each entry replaces its prefix's route, a null value
   * withdraws it, and every other route stays. Costs the size of the change, not of the table,
   * while a session is Established; without one, the initial feed is packed again for the next
   * session, as after {@link #setRoutes}.
   */
  public void updateRoutes(Map<Prefix, RouteAttributes> changes) {
    Map<Prefix, RouteAttributes> copy = new HashMap<>(changes);
    onLoop(() -> {
      if (established != null) {
        markBatchStart();
      }
      if (exported.size() > EXPORTED_KEPT) {
        // Changes bring new attribute instances over time; a full set starts afresh anyway.
        exported.clear();
      }
      rib.changeDesired(copy, this::exported);
      if (established == null) {
        prePack();
      }
      drain();
    });
  }

  /**
   * Completes once the Established session's channel takes writes again (its outbound buffer
   * fell below the low water mark), or at once when it already does or no session is
   * Established. Runs on the session's loop after every earlier call, so it completes only after
   * earlier {@link #setRoutes} calls were applied and their UPDATEs handed to the channel: a
   * caller that waits for it before handing over the next set never queues more than the channel
   * holds.
   */
  public CompletableFuture<Void> whenWritable() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    onLoop(() -> {
      Channel ch = establishedChannel;
      if (ch == null || ch.isWritable()) {
        f.complete(null);
      } else {
        writableWaiters.add(f);
      }
    });
    return f;
  }

  /** Bytes written to the Established channel but not yet taken by the socket; 0 without one. */
  public long pendingWriteBytes() {
    Channel ch = establishedChannel;
    if (ch == null) {
      return 0;
    }
    var buffer = ch.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  /** Releases the {@link #whenWritable()} waiters once nothing holds them back any more. */
  private void releaseWriters() {
    Channel ch = establishedChannel;
    if ((ch == null || ch.isWritable()) && !writableWaiters.isEmpty()) {
      List<CompletableFuture<Void>> ready = List.copyOf(writableWaiters);
      writableWaiters.clear();
      ready.forEach(w -> w.complete(null));
    }
  }

  /**
   * Stops the session: Cease/Administrative Shutdown with {@code text} as the RFC 9003 shutdown
   * communication on every open connection. Completes when every connection is closed.
   */
  public CompletableFuture<Void> shutdown(String text) {
    return stopWith(new FsmEvent.ManualStop(text));
  }

  /** Removes the peer from configuration: Cease/Peer De-configured (RFC 4486 §4, 6/3). */
  public CompletableFuture<Void> deconfigure() {
    return stopWith(new FsmEvent.PeerDeconfigured());
  }

  private CompletableFuture<Void> stopWith(FsmEvent stop) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(() -> {
      // Collect the channels first: the FSM's CloseConnection actions forget them.
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (Conn c : connections.values()) {
        if (c.channel != null) {
          closing.add(closed(c.channel));
        }
      }
      apply(stop);
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .whenComplete((v, e) -> done.complete(null));
    });
    return done;
  }

  private static CompletableFuture<Void> closed(Channel ch) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    ch.closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  /** A connection the listener accepted from this peer's address (RFC 4271 §8.1.4 Event 17). */
  void accept(SocketChannel ch) {
    onLoop(() -> {
      ConnectionId id = ConnectionId.inbound(nextInboundSerial++);
      Conn conn = new Conn();
      conn.channel = ch;
      connections.put(id, conn);
      config.tcp().ttl().ifPresent(ttl -> setTtl(ch, ttl));
      install(ch, id);
      apply(new FsmEvent.TcpConnectionConfirmed(id));
    });
  }

  private static void setTtl(SocketChannel ch, int ttl) {
    // Accepted sockets inherit the listener's options; the TTL is per peer, so set it here.
    try {
      var opt = ch.remoteAddress().getAddress() instanceof Inet6Address
          ? new io.netty.channel.unix.IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16)
          : new io.netty.channel.unix.IntegerUnixChannelOption("IP_TTL", 0, 2);
      ch.config().setOption(opt, ttl);
    } catch (RuntimeException e) {
      log.warn("cannot set TTL {} on {}: {}", ttl, ch, e.toString());
    }
  }

  private void install(Channel ch, ConnectionId id) {
    ch.pipeline().addLast("frames", new BgpFrameDecoder());
    ch.pipeline().addLast("session", new SessionBridgeHandler(new SessionBridgeHandler.Sink() {
      @Override
      public CodecContext codecContext() {
        Conn c = connections.get(id);
        return c == null ? CodecContext.INITIAL : c.codec;
      }

      @Override
      public void inbound(Inbound inbound) {
        onLoop(() -> received(id, inbound));
      }

      @Override
      public void writabilityChanged(boolean writable) {
        if (writable) {
          onLoop(() -> {
            if (id.equals(established)) {
              drain();
              releaseWriters();
            }
          });
        }
      }

      @Override
      public void closed(Throwable cause) {
        onLoop(() -> {
          if (connections.containsKey(id)) {
            if (cause != null) {
              log.debug("connection {} to {} failed: {}", id, config.peer(), cause.toString());
            }
            apply(new FsmEvent.TcpConnectionFails(id));
          }
        });
      }
    }));
  }

  private void received(ConnectionId id, Inbound inbound) {
    if (!connections.containsKey(id)) {
      return;
    }
    apply(FsmEvent.received(id, inbound));
    if (inbound instanceof Inbound.Message m && m.message() instanceof Update u
        && id.equals(established)) {
      listener.updateReceived(u, m.issues());
    }
  }

  private void onLoop(Runnable r) {
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  private void apply(FsmEvent event) {
    Phase before = state.phase();
    Transition t;
    try {
      t = SessionFsm.step(state, event);
    } catch (RuntimeException e) {
      // A bug in the FSM must not kill the event loop; the session stays where it was.
      log.error("FSM failed on {} in {}", event, before, e);
      return;
    }
    state = t.next();
    drainRequested = false;
    String reason = "";
    for (Action a : t.actions()) {
      if (a instanceof Action.CloseConnection c && !c.reason().toString().isEmpty()) {
        reason = c.reason().toString();
      }
      perform(a);
    }
    if (drainRequested) {
      drainRequested = false;
      drain();
    }
    Phase after = state.phase();
    phase = after;
    if (after != before) {
      listener.stateChanged(name(before), name(after), reason);
    }
  }

  private static String name(Phase p) {
    return switch (p) {
      case IDLE -> "Idle";
      case CONNECT -> "Connect";
      case ACTIVE -> "Active";
      case OPEN_SENT -> "OpenSent";
      case OPEN_CONFIRM -> "OpenConfirm";
      case ESTABLISHED -> "Established";
    };
  }

  private void perform(Action action) {
    switch (action.type()) {
      case CONNECT -> connect(((Action.Connect) action).connection());
      case SEND -> {
        Action.Send s = (Action.Send) action;
        Conn c = connections.get(s.connection());
        if (c != null && c.channel != null) {
          c.channel.writeAndFlush(Unpooled.wrappedBuffer(MessageEncoder.encode(s.message(), c.codec)));
        }
      }
      case SET_CODEC_CONTEXT -> {
        Action.SetCodecContext s = (Action.SetCodecContext) action;
        Conn c = connections.get(s.connection());
        if (c != null) {
          c.codec = s.context();
        }
      }
      case CLOSE_CONNECTION -> close((Action.CloseConnection) action);
      case ARM_TIMER -> arm((Action.ArmTimer) action);
      case CANCEL_TIMER -> {
        ScheduledFuture<?> f = timers.remove(((Action.CancelTimer) action).key());
        if (f != null) {
          f.cancel(false);
        }
      }
      case SESSION_ESTABLISHED -> established((Action.SessionEstablished) action);
      case SESSION_DOWN -> sessionDown((Action.SessionDown) action);
      case ADVERTISE_TABLE -> advertiseTable((Action.AdvertiseTable) action);
      case INBOUND_ISSUE -> {
        for (BgpError e : ((Action.InboundIssue) action).issues()) {
          log.info("peer {}: {} ({}) in UPDATE: {}", config.peer(), e.code(), e.action(), e.detail());
        }
      }
    }
  }

  private void connect(ConnectionId id) {
    Conn conn = new Conn();
    connections.put(id, conn);
    InetSocketAddress remote = config.peer();
    conn.connecting = transport.connect(loop, remote, config.tcp(), ch -> install(ch, id));
    conn.connecting.addListener((ChannelFutureListener) f -> onLoop(() -> {
      if (connections.get(id) != conn) {
        f.channel().close(); // the FSM gave this attempt up meanwhile
        return;
      }
      conn.connecting = null;
      if (f.isSuccess()) {
        conn.channel = f.channel();
        apply(new FsmEvent.TcpCrAcked(id));
      } else {
        log.debug("connect to {} failed: {}", remote, f.cause() == null ? "cancelled" : f.cause().toString());
        apply(new FsmEvent.TcpConnectionFails(id));
      }
    }));
  }

  private void close(Action.CloseConnection c) {
    Conn conn = connections.remove(c.connection());
    if (conn == null) {
      return;
    }
    if (conn.channel != null) {
      // Close after what was written before (a NOTIFICATION) is flushed.
      conn.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else if (conn.connecting != null) {
      conn.connecting.cancel(false);
      conn.connecting.channel().close();
    }
  }

  private void arm(Action.ArmTimer a) {
    ScheduledFuture<?> old = timers.remove(a.key());
    if (old != null) {
      old.cancel(false);
    }
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    self[0] = loop.schedule(() -> {
      // A timer cancelled or re-armed after this run was queued must not fire.
      if (timers.get(a.key()) == self[0]) {
        timers.remove(a.key());
        apply(a.key().expiryEvent());
      }
    }, a.duration().toNanos(), TimeUnit.NANOSECONDS);
    timers.put(a.key(), self[0]);
  }

  private void established(Action.SessionEstablished e) {
    established = e.connection();
    Negotiated negotiated = e.negotiated();
    endOfRibPending.clear();
    endOfRouteRefreshPending.clear();
    markBatchStart();
    Channel ch = connections.get(established).channel;
    establishedChannel = ch;
    // The desired table is ready (exported when the routes were set, with next hop self left
    // to the packer), so the initial feed starts without a pass over the routes.
    rib.sessionDown();
    rib.sessionUp(negotiated.families());
    sendPrePacked(ch, negotiated);
    // Told after the table is on its way: a listener's work must not delay the first UPDATE.
    Set<String> families = new java.util.TreeSet<>();
    for (AddressFamily f : negotiated.families()) {
      families.add(f.afi().name().toLowerCase(java.util.Locale.ROOT) + "-unicast");
    }
    listener.established(new PeerListener.Established(
        (InetSocketAddress) ch.localAddress(), (InetSocketAddress) ch.remoteAddress(),
        negotiated.peerAsn().value(), (int) negotiated.holdTime().getSeconds(), families,
        negotiated.fourOctetAs(), negotiated.extendedMessage()));
  }

  private void sessionDown(Action.SessionDown d) {
    if (d.connection().equals(established)) {
      established = null;
      establishedChannel = null;
      // Nothing to wait for without a session: the routes wait in the Adj-RIB-Out.
      releaseWriters();
      rib.sessionDown();
      prePack(); // for the next session
      endOfRibPending.clear();
      endOfRouteRefreshPending.clear();
      log.info("session with {} down: {}", config.peer(), d.reason());
    }
  }

  private void advertiseTable(Action.AdvertiseTable a) {
    if (!a.connection().equals(established)) {
      return;
    }
    switch (a.framing()) {
      case INITIAL -> endOfRibPending.add(a.family());
      case REFRESH -> {
        markBatchStart();
        rib.refresh(a.family());
      }
      case ENHANCED_REFRESH -> {
        markBatchStart();
        send(RouteRefresh.of(a.family(), RouteRefresh.BEGIN_OF_ROUTE_REFRESH));
        rib.refresh(a.family());
        endOfRouteRefreshPending.add(a.family());
      }
    }
    // One drain after the whole step: the FSM asks for every family's table in one step, and
    // the tables should leave together with their End-of-RIB markers.
    drainRequested = true;
  }

  private void send(io.herald.protocol.message.BgpMessage m) {
    Conn c = connections.get(established);
    c.channel.write(Unpooled.wrappedBuffer(MessageEncoder.encode(m, c.codec)));
  }

  private void markBatchStart() {
    if (batchAnnounced == 0 && batchWithdrawn == 0) {
      batchStartNanos = System.nanoTime();
    }
  }

  /**
   * Writes pending changes while the channel takes them. Stops when it is not writable; the
   * writability event resumes, and changes made meanwhile collapse into the next diff.
   */
  private void drain() {
    if (established == null) {
      return;
    }
    Conn conn = connections.get(established);
    if (conn == null || conn.channel == null) {
      return;
    }
    Channel ch = conn.channel;
    CodecContext codec = conn.codec;
    InetAddress local = ((InetSocketAddress) ch.localAddress()).getAddress();
    UpdatePacker.NextHopSelf self = local instanceof Inet4Address v4
        ? new UpdatePacker.NextHopSelf(v4, null)
        : new UpdatePacker.NextHopSelf(null, (Inet6Address) local);
    ChannelFuture last = null;
    while (ch.isWritable() && rib.hasPending()) {
      RibDelta delta = rib.takePending(PREFIXES_PER_ROUND);
      List<byte[]> frames = UpdatePacker.pack(delta.withdrawn(), delta.announced(), codec, self);
      if (!frames.isEmpty()) {
        // One write per round, not one per UPDATE: the channel's per-write cost is paid once.
        last = ch.write(Unpooled.wrappedBuffer(concat(frames)));
        updatesSent.addAndGet(frames.size());
      }
      batchWithdrawn += delta.withdrawn().size();
      int announced = 0;
      for (List<Prefix> ps : delta.announced().values()) {
        announced += ps.size();
      }
      batchAnnounced += announced;
      prefixesAnnounced.addAndGet(announced);
      // Flush every round: the router starts importing while we pack the next one, so the two
      // sides work in parallel instead of one after the other.
      ch.flush();
    }
    if (rib.hasPending()) {
      ch.flush();
      return;
    }
    for (AddressFamily f : endOfRibPending) {
      last = ch.write(Unpooled.wrappedBuffer(UpdatePacker.endOfRib(f)));
    }
    boolean initial = !endOfRibPending.isEmpty();
    endOfRibPending.clear();
    for (AddressFamily f : endOfRouteRefreshPending) {
      send(RouteRefresh.of(f, RouteRefresh.END_OF_ROUTE_REFRESH));
    }
    endOfRouteRefreshPending.clear();
    ch.flush();
    if (last != null || initial) {
      int a = batchAnnounced;
      int w = batchWithdrawn;
      long start = batchStartNanos;
      batchAnnounced = 0;
      batchWithdrawn = 0;
      ChannelFuture done = last != null ? last : ch.newSucceededFuture();
      done.addListener(f -> listener.tableSent(a, w, Duration.ofNanos(System.nanoTime() - start)));
    }
  }

  /**
   * Hands the desired routes to the Adj-RIB-Out through the export policy (RFC 4271 §5.1,
   * §9.1.3), without an intermediate copy of the table. Nothing here depends on a session: our
   * own address as next hop is filled in when UPDATEs are packed.
   */
  private void exportDesired(Map<Prefix, RouteAttributes> routes) {
    exported.clear();
    rib.setDesired(routes, this::exported);
    prePack();
  }

  /**
   * The initial feed packed before any session exists, like a router that has its table ready
   * before it peers: at Established it only has to be written. Packed for the usual outcome of
   * the OPEN exchange (4-octet AS numbers, RFC 6793; 4096-octet messages are valid either way) and
   * for our configured source address as next hop self; a session that negotiates otherwise, or
   * comes up from another address, gets the feed packed the usual way.
   */

  private record PrePacked(InetAddress local, byte[] updates, int messages, int prefixes) {}

  /** How many sessions got their initial feed packed before they existed (the rest: packed then). */
  public long prePackedFeeds() {
    return prePackedFeeds.get();
  }

  private void prePack() {
    prePacked = null;
    if (established != null || config.tcp().sourceAddress().isEmpty() || !rib.desiredWithin(config.families())) {
      return;
    }
    InetAddress local = config.tcp().sourceAddress().get();
    UpdatePacker.NextHopSelf self = local instanceof Inet4Address v4
        ? new UpdatePacker.NextHopSelf(v4, null)
        : new UpdatePacker.NextHopSelf(null, (Inet6Address) local);
    Map<PathAttributes, List<Prefix>> table = rib.desiredByAttributes(config.families());
    if (table.isEmpty()) {
      return;
    }
    int n = 0;
    for (List<Prefix> ps : table.values()) {
      n += ps.size();
    }
    try {
      List<byte[]> frames = UpdatePacker.pack(List.of(), table, new CodecContext(true, false, config.families()), self);
      // One buffer for the whole table: one write through the channel instead of one per UPDATE.
      prePacked = new PrePacked(local, concat(frames), frames.size(), n);
    } catch (IllegalArgumentException unsendable) {
      // e.g. next hop self of the other family: the usual path decides what can be sent.
      prePacked = null;
    }
  }

  private static byte[] concat(List<byte[]> frames) {
    if (frames.size() == 1) {
      return frames.get(0);
    }
    int length = 0;
    for (byte[] f : frames) {
      length += f.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, all, at, f.length);
      at += f.length;
    }
    return all;
  }

  /** Writes the pre-packed initial feed if this session can take it; else drain() packs it as usual. */
  private void sendPrePacked(Channel ch, Negotiated negotiated) {
    PrePacked p = prePacked;
    prePacked = null;
    InetAddress local = ((InetSocketAddress) ch.localAddress()).getAddress();
    if (p == null || !negotiated.fourOctetAs() || !p.local().equals(local)
        || !(negotiated.families().containsAll(config.families()) || rib.desiredWithin(negotiated.families()))) {
      return;
    }
    ch.writeAndFlush(Unpooled.wrappedBuffer(p.updates()));
    int n = rib.initialFeedSent();
    prePackedFeeds.incrementAndGet();
    updatesSent.addAndGet(p.messages());
    prefixesAnnounced.addAndGet(n);
    batchAnnounced += n;
  }

  /** The wire attributes of {@code ra} for {@code p}'s family, cached per instance; null: unsendable. */
  @SuppressWarnings("unchecked")
  private PathAttributes exported(Prefix p, RouteAttributes ra) {
    Optional<PathAttributes>[] byFamily = exported.computeIfAbsent(ra, x -> new Optional[2]);
    int slot = p.isIpv4() ? 0 : 1;
    if (byFamily[slot] == null) {
      byFamily[slot] = export(ra, p.isIpv4());
      if (byFamily[slot].isEmpty()) {
        // Once per attribute set and family, not once per prefix: a table can be large.
        log.warn("peer {}: no {} next hop for routes such as {}; they are not announced "
            + "(set one with --next-hop)", config.peer(), p.isIpv4() ? "IPv4" : "IPv6", p);
      }
    }
    return byFamily[slot].orElse(null);
  }

  private Optional<PathAttributes> export(RouteAttributes ra, boolean ipv4) {
    // The given next hop when it is of the route's family; else our own address on the session
    // when the session is of that family; else the route cannot be sent (no RFC 8950 here).
    boolean v4Session = config.peer().getAddress() instanceof Inet4Address;
    InetAddress nextHop = ra.nextHop().filter(a -> ipv4 == (a instanceof Inet4Address))
        .orElse(ipv4 == v4Session
            ? (ipv4 ? PathAttributes.NEXT_HOP_SELF_IPV4 : PathAttributes.NEXT_HOP_SELF_IPV6)
            : null);
    if (nextHop == null) {
      return Optional.empty();
    }
    boolean internal = config.isInternal();
    AsPath path = internal ? AsPath.EMPTY : AsPath.sequence(config.localAs());
    OptionalLong localPref = internal
        ? OptionalLong.of(ra.localPref().orElse(DEFAULT_LOCAL_PREF))
        : OptionalLong.empty();
    return Optional.of(new PathAttributes(io.herald.protocol.attribute.Origin.IGP, path, nextHop,
        Optional.empty(), ra.multiExitDisc(), localPref, ra.communities(), ra.largeCommunities()));
  }

  /**
   * Runs the export, diff and packing code over {@code routes} a few times without sending
   * anything, so that the first session does not pay for class loading and JIT compilation. Worth
   * it before a large initial table; takes about as long as packing the table a few times.
   */
  public static void warmUp(Map<Prefix, RouteAttributes> routes, int rounds) {
    java.util.function.BiFunction<Prefix, RouteAttributes, PathAttributes> export = (p, ra) ->
        new PathAttributes(io.herald.protocol.attribute.Origin.IGP,
            AsPath.sequence(io.herald.protocol.types.Asn.of(64512)),
            p.isIpv4() ? PathAttributes.NEXT_HOP_SELF_IPV4 : PathAttributes.NEXT_HOP_SELF_IPV6,
            Optional.empty(), ra.multiExitDisc(), ra.localPref(), ra.communities(), ra.largeCommunities());
    UpdatePacker.NextHopSelf self = new UpdatePacker.NextHopSelf(
        (Inet4Address) io.herald.protocol.types.IpLiterals.parse("192.0.2.1"),
        (Inet6Address) io.herald.protocol.types.IpLiterals.parse("2001:db8::1"));
    Set<AddressFamily> both = Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);
    for (int r = 0; r < rounds; r++) {
      // Both message sizes, so the compiled code has seen the branches a real session takes
      // (a branch never seen during warm-up would deoptimise on the first real table).
      CodecContext ctx = new CodecContext(true, r % 2 == 1, both);
      AdjRibOut warm = new AdjRibOut();
      warm.setDesired(routes, export);
      warm.sessionUp(both);
      drainInto(warm, ctx, self);
      warm.setDesired(Map.of());
      drainInto(warm, ctx, self);
      // The table packed ahead of a session, as prePack and sendPrePacked do.
      warm.setDesired(routes, export);
      UpdatePacker.pack(List.of(), warm.desiredByAttributes(both), ctx, self);
      warm.sessionDown();
      warm.sessionUp(both);
      warm.initialFeedSent();
    }
  }

  private static void drainInto(AdjRibOut rib, CodecContext ctx, UpdatePacker.NextHopSelf self) {
    while (rib.hasPending()) {
      RibDelta d = rib.takePending(PREFIXES_PER_ROUND);
      UpdatePacker.pack(d.withdrawn(), d.announced(), ctx, self);
    }
  }

  /** Counters for status pages. */
  public long prefixesAnnounced() {
    return prefixesAnnounced.get();
  }

  @Override
  public String toString() {
    return "BgpPeer[" + config.peer() + " AS" + config.peerAs() + " " + phase + "]";
  }
}
