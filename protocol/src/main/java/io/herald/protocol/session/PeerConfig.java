package io.herald.protocol.session;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.netty.TcpSettings;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.RouterId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * One configured BGP peering.
 *
 * @param peer the router's address and port (179 unless the router listens elsewhere)
 * @param holdTime our proposed hold time: zero (no keepalives) or at least 3 s (RFC 4271 §4.2)
 * @param connectRetry the first ConnectRetry interval; later ones back off exponentially
 * @param passive wait for the router to connect instead of connecting ourselves
 * @param gracefulRestart advertise the graceful restart capability (RFC 4724)
 * @param restarting set the Restart State bit: this process has just restarted
 */
public record PeerConfig(
    InetSocketAddress peer,
    Asn localAs,
    Asn peerAs,
    RouterId routerId,
    Duration holdTime,
    Duration connectRetry,
    boolean passive,
    TcpSettings tcp,
    Set<AddressFamily> families,
    boolean gracefulRestart,
    Duration restartTime,
    boolean restarting) {

  public PeerConfig {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(localAs, "localAs");
    Objects.requireNonNull(peerAs, "peerAs");
    Objects.requireNonNull(routerId, "routerId");
    Objects.requireNonNull(holdTime, "holdTime");
    Objects.requireNonNull(connectRetry, "connectRetry");
    Objects.requireNonNull(tcp, "tcp");
    families = Set.copyOf(families);
    Objects.requireNonNull(restartTime, "restartTime");
    long hold = holdTime.toMillis();
    if (hold != 0 && hold < 3000) {
      throw new IllegalArgumentException("hold time must be 0 or at least 3s, was " + holdTime);
    }
    if (holdTime.getSeconds() > 65535) {
      throw new IllegalArgumentException("hold time must be at most 65535s, was " + holdTime);
    }
    if (families.isEmpty()) {
      throw new IllegalArgumentException("at least one address family is needed");
    }
    if (routerId.isZero()) {
      throw new IllegalArgumentException("router id 0.0.0.0 is not allowed (RFC 6286 §2.1)");
    }
  }

  public boolean isInternal() {
    return localAs.equals(peerAs);
  }
}
