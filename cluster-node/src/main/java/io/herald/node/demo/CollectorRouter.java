package io.herald.node.demo;

import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.ErrorAction;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * The route collector fallback: passive sessions of our own protocol module (as {@code herald bgp
 * collect}), one per node, behind one listening socket on a loopback address. It keeps each
 * session's Adj-RIB-In (RFC 4271 §3.2) and announces nothing. No root and no packages needed.
 */
public final class CollectorRouter implements DemoRouter {

  /** Where the collector listens: loopback, apart from the nodes' own 127.0.0.1. */
  public static final String ADDRESS = "127.0.0.2";
  /** Tried first so that the demo prints the same port every time; MetalLB caps peer-port at 16384. */
  public static final int PREFERRED_PORT = 10179;

  private final BgpTransport transport;
  private final BgpListener listener;
  private final List<BgpPeer> sessions;
  private final long asn;
  /** Per node source address: prefix to the path learned from it. */
  private final Map<String, Map<Prefix, LearnedRoute>> ribIn;
  private volatile boolean closed;

  private CollectorRouter(BgpTransport transport, BgpListener listener, List<BgpPeer> sessions, long asn,
      Map<String, Map<Prefix, LearnedRoute>> ribIn) {
    this.transport = transport;
    this.ribIn = ribIn;
    this.listener = listener;
    this.sessions = sessions;
    this.asn = asn;
  }

  /**
   * Listens on {@link #ADDRESS} ({@link #PREFERRED_PORT}, or a free port up to 16384) for one
   * session from each of {@code neighbours}.
   *
   * @param localAsn our AS (the seed peer's peer-asn)
   * @param neighbourAsn the nodes' AS (the seed peer's my-asn)
   * @param routerId our BGP identifier
   */
  public static CollectorRouter start(List<String> neighbours, long localAsn, long neighbourAsn, RouterId routerId) {
    BgpTransport transport = new BgpTransport();
    try {
      Map<String, Map<Prefix, LearnedRoute>> rib = new ConcurrentHashMap<>();
      List<BgpPeer> sessions = new ArrayList<>();
      for (String n : neighbours) {
        Map<Prefix, LearnedRoute> table = new ConcurrentSkipListMap<>();
        rib.put(n, table);
        PeerConfig config = new PeerConfig(new InetSocketAddress(IpLiterals.parse(n), 179), Asn.of(localAsn),
            Asn.of(neighbourAsn), routerId, Duration.ofSeconds(90), Duration.ofSeconds(1), true,
            new TcpSettings(Optional.of(IpLiterals.parse(ADDRESS)), Optional.empty(), OptionalInt.empty()),
            Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), false, Duration.ofSeconds(120), false);
        sessions.add(BgpPeer.create(transport, config, new RibIn(table)));
      }
      BgpListener listener = bind(transport, sessions);
      CollectorRouter router = new CollectorRouter(transport, listener, sessions, localAsn, rib);
      sessions.forEach(BgpPeer::start);
      return router;
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  private static BgpListener bind(BgpTransport transport, List<BgpPeer> sessions) {
    RuntimeException last = null;
    SplittableRandom random = new SplittableRandom();
    for (int i = 0; i < 50; i++) {
      int port = i == 0 ? PREFERRED_PORT : 10_000 + random.nextInt(6_000);
      try {
        return BgpListener.bind(transport, new InetSocketAddress(IpLiterals.parse(ADDRESS), port), sessions);
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  @Override
  public String describe() {
    return "Herald's route collector (our own BGP module, passive) on " + ADDRESS + ":" + port();
  }

  @Override
  public String address() {
    return ADDRESS;
  }

  @Override
  public int port() {
    return listener.localAddress().getPort();
  }

  @Override
  public long asn() {
    return asn;
  }

  @Override
  public List<LearnedRoute> table() {
    List<LearnedRoute> all = new ArrayList<>();
    ribIn.values().forEach(t -> all.addAll(t.values()));
    return all;
  }

  @Override
  public String inspectCommand() {
    return "";
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      listener.close();
      for (BgpPeer s : sessions) {
        s.shutdown("demo router stopped").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
    } finally {
      transport.close();
    }
  }

  /** One session's Adj-RIB-In: announcements replace, withdrawals remove (RFC 4271 §9). */
  private record RibIn(Map<Prefix, LearnedRoute> table) implements PeerListener {
    @Override
    public void stateChanged(String from, String to, String reason) {
      if (!to.equals("Established")) {
        table.clear();   // §8: leaving Established deletes the routes learned on the session
      }
    }

    @Override
    public void updateReceived(Update u, List<BgpError> issues) {
      u.withdrawn().forEach(table::remove);
      u.mpUnreach().ifPresent(m -> m.withdrawn().forEach(table::remove));
      // RFC 7606 §2: treat-as-withdraw removes the UPDATE's prefixes instead of installing them.
      boolean withdraw = issues.stream().anyMatch(e -> e.action() == ErrorAction.TREAT_AS_WITHDRAW);
      List<String> communities = new ArrayList<>();
      u.attribute(Communities.class).ifPresent(c -> c.communities().forEach(x -> communities.add(x.toString())));
      u.attribute(LargeCommunities.class).ifPresent(c -> c.communities().forEach(x -> communities.add(x.toString())));
      String nh4 = u.attribute(NextHop.class).map(n -> IpLiterals.format(n.address())).orElse("?");
      for (Prefix p : u.nlri()) {
        if (withdraw) table.remove(p);
        else table.put(p, new LearnedRoute(p.toString(), nh4, communities));
      }
      u.mpReach().ifPresent(mp -> {
        String nh6 = IpLiterals.format(mp.nextHop());
        for (Prefix p : mp.nlri()) {
          if (withdraw) table.remove(p);
          else table.put(p, new LearnedRoute(p.toString(), nh6, communities));
        }
      });
    }
  }
}
