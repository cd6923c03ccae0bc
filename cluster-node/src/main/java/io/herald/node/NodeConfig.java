package io.herald.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.herald.node.l2.L2Membership;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns {@link NodeSettings} into the HOCON the ActorSystem runs with. */
public final class NodeConfig {
  private NodeConfig() {}

  /** The settings laid over {@code overrides}, then over application.conf and the defaults. */
  public static Config of(NodeSettings s, Config overrides) {
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.remote.artery.canonical.hostname", s.bind().getAddress().getHostAddress());
    m.put("pekko.remote.artery.canonical.port", s.bind().getPort());
    m.put("pekko.management.http.hostname", s.http().getAddress().getHostAddress());
    m.put("pekko.management.http.port", s.http().getPort());
    List<String> seeds = new ArrayList<>();
    for (InetSocketAddress a : s.seedNodes()) {
      seeds.add(address(a));
    }
    m.put("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    m.put("herald.node-name", s.nodeName());
    // Layer 2 elects among live members by Kubernetes node name: each member carries its own.
    m.put("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(L2Membership.role(s.nodeName()))));
    m.put("herald.kubernetes-bootstrap", s.bootstrap().isPresent());
    s.bootstrap().ifPresent(b -> {
      String cpd = "pekko.management.cluster.bootstrap.contact-point-discovery.";
      m.put(cpd + "discovery-method", "kubernetes-api");
      m.put(cpd + "service-name", b.serviceName());
      m.put(cpd + "required-contact-point-nr", b.requiredContactPoints());
      m.put("pekko.management.cluster.bootstrap.contact-point.fallback-port", s.http().getPort());
      m.put("pekko.discovery.kubernetes-api.pod-label-selector", b.podLabelSelector());
    });
    m.put("herald.drain-time", s.drainTime().toMillis() + "ms");
    // The drain runs inside service-unbind: give it the drain time plus room for the Cease.
    m.put("pekko.coordinated-shutdown.phases.service-unbind.timeout", (s.drainTime().toMillis() + 10_000) + "ms");
    if (s.journal() instanceof NodeSettings.Journal.H2 h2) {
      String path = h2.file().toAbsolutePath().normalize().toString();
      m.put(DB + "profile", "slick.jdbc.H2Profile$");
      m.put(DB + "db.url", "jdbc:h2:file:" + path + ";DB_CLOSE_DELAY=1;AUTO_SERVER=TRUE;CACHE_SIZE=" + H2_CACHE_KB
          + ";MAX_LENGTH_INPLACE_LOB=" + H2_INPLACE_LOB_BYTES);
      m.put(DB + "db.driver", "org.h2.Driver");
      m.put(DB + "db.user", "sa");
    } else if (s.journal() instanceof NodeSettings.Journal.Postgres pg) {
      m.put(DB + "profile", "slick.jdbc.PostgresProfile$");
      m.put(DB + "db.url", pg.jdbcUrl());
      m.put(DB + "db.driver", "org.postgresql.Driver");
      m.put(DB + "db.user", System.getenv().getOrDefault("HERALD_JOURNAL_USER", "postgres"));
      m.put(DB + "db.password", System.getenv().getOrDefault("HERALD_JOURNAL_PASSWORD", ""));
    }
    return overrides.withFallback(ConfigFactory.parseMap(m)).withFallback(ConfigFactory.load()).resolve();
  }

  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.";
  /**
   * H2's page cache in KiB (its default is 16 MiB). The journal is appended to and read back
   * once at start-up; a node's heap is better spent elsewhere.
   */
  static final int H2_CACHE_KB = 1024;
  /**
   * Event payloads up to this size are kept in the journal's row (H2's default is 256 bytes). An
   * allocation event is larger than that, and each one stored apart as a LOB cost H2 a second
   * map to write, a reference to copy and a cleaner thread. Kept in the row, H2's threads used
   * half the CPU (0.043 against 0.082 ms per Service) while 10,000 were allocated at start-up.
   */
  static final int H2_INPLACE_LOB_BYTES = 4096;

  /** {@code pekko://herald@HOST:PORT}. */
  public static String address(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "pekko://" + NodeSettings.SYSTEM_NAME + "@" + host + ":" + a.getPort();
  }
}
