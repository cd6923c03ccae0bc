package io.herald.protocol.session;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few complete sessions between two of our own peers over loopback, run before the real
 * session exists: OPEN negotiation, the FSM, the codec both ways, the Adj-RIB-Out and the channel
 * writes all get compiled, so the first real session runs compiled code from its first message.
 * Best effort: if loopback is unusable it simply does nothing.
 */
public final class SessionWarmUp {
  private static final Logger log = LoggerFactory.getLogger(SessionWarmUp.class);

  private SessionWarmUp() {}

  public static void run(BgpTransport transport, int rounds, int routes) {
    for (int r = 0; r < rounds; r++) {
      try {
        once(transport, routes);
      } catch (Exception e) {
        log.debug("session warm-up skipped: {}", e.toString());
        return;
      }
    }
  }

  /**
   * Waits until the JIT compiler has been idle for a while (its total compilation time stopped
   * growing), at most {@code max}. Compilations queued by the warm-up finish in background
   * threads; on a small machine they would otherwise compete with the first real table feed for
   * the same cores. Returns at once where the JVM does not report compilation time.
   */
  public static void awaitCompilerIdle(Duration max) throws InterruptedException {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long deadline = System.nanoTime() + max.toNanos();
    long last = jit.getTotalCompilationTime();
    int quiet = 0;
    while (quiet < 3 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      long now = jit.getTotalCompilationTime();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
  }

  private static void once(BgpTransport transport, int n) throws Exception {
    InetSocketAddress any = new InetSocketAddress(IpLiterals.parse("127.0.0.1"), 0);
    CountDownLatch endOfRib = new CountDownLatch(1);
    PeerConfig collectorConfig = config(new InetSocketAddress(IpLiterals.parse("127.0.0.1"), 179),
        64512, 64513, "192.0.2.2", true);
    BgpPeer collector = BgpPeer.create(transport, collectorConfig, new PeerListener() {
      @Override
      public void updateReceived(Update update, List<io.herald.protocol.codec.BgpError> issues) {
        if (update.endOfRibFamily().isPresent()) {
          endOfRib.countDown();
        }
      }
    });
    try (BgpListener listener = BgpListener.bind(transport, any, List.of(collector))) {
      collector.start();
      BgpPeer speaker = BgpPeer.create(transport,
          config(listener.localAddress(), 64513, 64512, "192.0.2.1", false), new PeerListener() {});
      Map<Prefix, RouteAttributes> routes = new HashMap<>();
      for (int i = 0; i < n; i++) {
        routes.put(Prefix.host(IpLiterals.ipv4(0xC6120000 + i)), RouteAttributes.DEFAULT); // 198.18/15
      }
      speaker.setRoutes(routes);
      speaker.start();
      boolean done = endOfRib.await(10, TimeUnit.SECONDS);
      speaker.setRoutes(Map.of());
      speaker.shutdown("warm-up done").get(5, TimeUnit.SECONDS);
      collector.shutdown("warm-up done").get(5, TimeUnit.SECONDS);
      if (!done) {
        throw new IllegalStateException("no End-of-RIB within 10 s");
      }
    }
  }

  private static PeerConfig config(InetSocketAddress peer, long local, long remote, String id, boolean passive) {
    return new PeerConfig(peer, Asn.of(local), Asn.of(remote), RouterId.parse(id), Duration.ofSeconds(90),
        Duration.ofMillis(100), passive,
        // The speaker binds its source address, so its table is packed ahead as a real one's is.
        new TcpSettings(passive ? Optional.empty() : Optional.of(IpLiterals.parse("127.0.0.1")), Optional.empty(),
            OptionalInt.empty()),
        Set.of(AddressFamily.IPV4_UNICAST), true, Duration.ofSeconds(120), false);
  }
}
