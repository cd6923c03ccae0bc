package io.herald.node;

import io.herald.protocol.attribute.Communities;
import io.herald.protocol.codec.BgpError;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Update;
import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.session.BgpListener;
import io.herald.protocol.session.BgpPeer;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.session.PeerListener;
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
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A route collector built on our own protocol module: a passive session on a loopback address
 * that records what it learns, like a router's Adj-RIB-In, plus an ordered log of events.
 */
public final class Collector implements PeerListener, AutoCloseable {
  public final Map<Prefix, Update> routes = new ConcurrentHashMap<>();
  /**
   * "A prefix [GS]", "W prefix", "Established", "Idle <reason>" in arrival order. A queue, not a
   * copy-on-write list: a collector taking 10,000 routes would copy the whole log for each one.
   */
  public final java.util.Collection<String> log = new java.util.concurrent.ConcurrentLinkedQueue<>();
  public final List<Established> established = new CopyOnWriteArrayList<>();
  private final BgpPeer peer;
  private final BgpListener listener;
  public final int port;

  /**
   * @param listen the loopback address to listen on
   * @param speaker the address the speaker connects from
   */
  public Collector(BgpTransport transport, String listen, String speaker, Asn local, Asn remote) {
    peer = BgpPeer.create(transport, new PeerConfig(new InetSocketAddress(IpLiterals.parse(speaker), 179), local, remote,
        RouterId.parse("192.0.2.1"), Duration.ofSeconds(9), Duration.ofMillis(200), true,
        new TcpSettings(Optional.of(IpLiterals.parse(listen)), Optional.empty(), OptionalInt.empty()),
        Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), false, Duration.ofSeconds(120), false), this);
    // BGPPeer.peerPort is limited to 1..16384 by MetalLB's validation: pick a free one there.
    SplittableRandom random = new SplittableRandom();
    BgpListener bound = null;
    RuntimeException last = null;
    for (int i = 0; i < 50 && bound == null; i++) {
      int candidate = 10_000 + random.nextInt(6_000);
      try {
        bound = BgpListener.bind(transport, new InetSocketAddress(IpLiterals.parse(listen), candidate), List.of(peer));
      } catch (RuntimeException e) {
        last = e;
      }
    }
    if (bound == null) {
      throw last;
    }
    listener = bound;
    port = listener.localAddress().getPort();
    peer.start();
  }

  @Override
  public void stateChanged(String from, String to, String reason) {
    log.add(to + (reason.isEmpty() ? "" : " " + reason));
  }

  @Override
  public void established(Established info) {
    established.add(info);
  }

  @Override
  public void updateReceived(Update u, List<BgpError> issues) {
    boolean gs = u.attribute(Communities.class)
        .map(c -> c.communities().contains(io.herald.protocol.attribute.Community.GRACEFUL_SHUTDOWN)).orElse(false);
    u.withdrawn().forEach(p -> withdraw(p));
    u.mpUnreach().ifPresent(m -> m.withdrawn().forEach(this::withdraw));
    u.nlri().forEach(p -> announce(p, u, gs));
    u.mpReach().ifPresent(m -> m.nlri().forEach(p -> announce(p, u, gs)));
  }

  private void withdraw(Prefix p) {
    routes.remove(p);
    log.add("W " + p);
  }

  private void announce(Prefix p, Update u, boolean gs) {
    routes.put(p, u);
    log.add("A " + p + (gs ? " GS" : ""));
  }

  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    listener.close();
    peer.shutdown("collector closed").orTimeout(5, TimeUnit.SECONDS).join();
  }
}
