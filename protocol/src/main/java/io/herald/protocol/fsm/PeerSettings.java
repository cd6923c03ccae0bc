package io.herald.protocol.fsm;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.RouterId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one BGP session is configured to do: the RFC 4271 §8.1.1 session attributes we use and
 * the capabilities we advertise. The peer's address and port belong to the transport, not here.
 *
 * @param localAsn our AS; a 4-octet one travels as AS_TRANS in OPEN (RFC 6793 §4.2.2)
 * @param peerAsn the AS the peer must announce in OPEN, else 2/2 (RFC 4271 §6.2)
 * @param localRouterId our BGP Identifier (RFC 4271 §4.2, RFC 6286)
 * @param holdTime the Hold Time we propose: zero (no keepalives) or 3..65535 whole seconds
 * @param connectRetryTime ConnectRetryTime (RFC 4271 §10): the first wait between connection
 *     attempts; doubled after every further consecutive failure
 * @param maxConnectRetryTime the cap of that doubling
 * @param passive true: never open a connection, only accept the peer's (RFC 4271 §8.1.1
 *     PassiveTcpEstablishment)
 * @param families the families we advertise with the Multiprotocol capability (RFC 4760 §8), in
 *     the order End-of-RIB is sent
 * @param gracefulRestart present: advertise the Graceful Restart capability (RFC 4724 §3)
 * @param extendedMessage advertise the Extended Message capability (RFC 8654)
 * @param routeRefresh advertise Route Refresh (RFC 2918)
 * @param enhancedRouteRefresh advertise Enhanced Route Refresh (RFC 7313); needs routeRefresh
 * @param jitter apply RFC 4271 §10 jitter (a factor in 0.75..1.0) to ConnectRetry and Keepalive
 */
public record PeerSettings(
    Asn localAsn,
    Asn peerAsn,
    RouterId localRouterId,
    Duration holdTime,
    Duration connectRetryTime,
    Duration maxConnectRetryTime,
    boolean passive,
    List<AddressFamily> families,
    Optional<GracefulRestartSettings> gracefulRestart,
    boolean extendedMessage,
    boolean routeRefresh,
    boolean enhancedRouteRefresh,
    boolean jitter) {

  /** RFC 4271 §10 suggests 90 s. */
  public static final Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(90);
  /**
   * RFC 4271 §10 suggests 120 s; a load balancer wants its routes back sooner, and the doubling
   * keeps an unreachable peer from being hammered.
   */
  public static final Duration DEFAULT_CONNECT_RETRY_TIME = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MAX_CONNECT_RETRY_TIME = Duration.ofSeconds(120);

  /**
   * Graceful Restart as we advertise it (RFC 4724 §3).
   *
   * @param restartTime the Restart Time field, 0..4095 whole seconds
   * @param restarting true right after this process started: sets the Restart State (R) bit in the
   *     OPEN of the first session only (RFC 4724 §3, §4.1)
   */
  public record GracefulRestartSettings(Duration restartTime, boolean restarting) {
    public GracefulRestartSettings {
      Objects.requireNonNull(restartTime, "restartTime");
      if (restartTime.isNegative() || restartTime.getSeconds() > 4095 || restartTime.getNano() != 0) {
        throw new IllegalArgumentException(
            "graceful restart time must be 0..4095 whole seconds: " + restartTime);
      }
    }
  }

  public PeerSettings {
    Objects.requireNonNull(localAsn, "localAsn");
    Objects.requireNonNull(peerAsn, "peerAsn");
    Objects.requireNonNull(localRouterId, "localRouterId");
    Objects.requireNonNull(holdTime, "holdTime");
    Objects.requireNonNull(connectRetryTime, "connectRetryTime");
    Objects.requireNonNull(maxConnectRetryTime, "maxConnectRetryTime");
    Objects.requireNonNull(gracefulRestart, "gracefulRestart");
    families = List.copyOf(families);
    // RFC 7607: AS 0 must not be used; RFC 6793 §9: AS_TRANS is not a real AS.
    for (Asn a : List.of(localAsn, peerAsn)) {
      if (a.value() == 0 || a.equals(Asn.AS_TRANS)) {
        throw new IllegalArgumentException("AS " + a + " cannot be a BGP speaker's AS");
      }
    }
    if (localRouterId.isZero()) {
      throw new IllegalArgumentException("router id 0.0.0.0 is not a valid BGP Identifier");
    }
    // RFC 4271 §4.2: zero or at least three seconds; the OPEN field holds whole seconds.
    long hold = holdTime.getSeconds();
    if (holdTime.getNano() != 0 || hold < 0 || hold > 0xFFFF || hold == 1 || hold == 2) {
      throw new IllegalArgumentException(
          "hold time must be 0 or 3..65535 whole seconds: " + holdTime);
    }
    if (connectRetryTime.isNegative() || connectRetryTime.isZero()) {
      throw new IllegalArgumentException("connect retry time must be positive: " + connectRetryTime);
    }
    if (maxConnectRetryTime.compareTo(connectRetryTime) < 0) {
      throw new IllegalArgumentException("max connect retry time " + maxConnectRetryTime
          + " is below the connect retry time " + connectRetryTime);
    }
    if (families.isEmpty() || new HashSet<>(families).size() != families.size()) {
      throw new IllegalArgumentException("families must be non-empty and distinct: " + families);
    }
    // RFC 7313 §3: Enhanced Route Refresh builds on the Route Refresh capability.
    if (enhancedRouteRefresh && !routeRefresh) {
      throw new IllegalArgumentException("enhanced route refresh needs route refresh");
    }
  }

  /**
   * Active, IPv4 unicast, 90 s hold, 5 s connect retry doubling up to 120 s, route refresh and
   * enhanced route refresh, extended message, jitter, no graceful restart.
   */
  public static PeerSettings defaults(Asn localAsn, Asn peerAsn, RouterId localRouterId) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, DEFAULT_HOLD_TIME,
        DEFAULT_CONNECT_RETRY_TIME, DEFAULT_MAX_CONNECT_RETRY_TIME, false,
        List.of(AddressFamily.IPV4_UNICAST), Optional.empty(), true, true, true, true);
  }

  /** iBGP: both sides in one AS (RFC 4271 §1.1); it changes the BGP Identifier rule (RFC 6286). */
  public boolean internal() {
    return localAsn.equals(peerAsn);
  }

  public PeerSettings withHoldTime(Duration d) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, d, connectRetryTime,
        maxConnectRetryTime, passive, families, gracefulRestart, extendedMessage, routeRefresh,
        enhancedRouteRefresh, jitter);
  }

  public PeerSettings withConnectRetry(Duration base, Duration max) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, base, max, passive,
        families, gracefulRestart, extendedMessage, routeRefresh, enhancedRouteRefresh, jitter);
  }

  public PeerSettings withPassive(boolean p) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, connectRetryTime,
        maxConnectRetryTime, p, families, gracefulRestart, extendedMessage, routeRefresh,
        enhancedRouteRefresh, jitter);
  }

  public PeerSettings withFamilies(List<AddressFamily> f) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, connectRetryTime,
        maxConnectRetryTime, passive, f, gracefulRestart, extendedMessage, routeRefresh,
        enhancedRouteRefresh, jitter);
  }

  public PeerSettings withGracefulRestart(Optional<GracefulRestartSettings> gr) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, connectRetryTime,
        maxConnectRetryTime, passive, families, gr, extendedMessage, routeRefresh,
        enhancedRouteRefresh, jitter);
  }

  public PeerSettings withExtendedMessage(boolean e) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, connectRetryTime,
        maxConnectRetryTime, passive, families, gracefulRestart, e, routeRefresh,
        enhancedRouteRefresh, jitter);
  }

  public PeerSettings withRouteRefresh(boolean rr, boolean enhanced) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, connectRetryTime,
        maxConnectRetryTime, passive, families, gracefulRestart, extendedMessage, rr, enhanced,
        jitter);
  }

  public PeerSettings withJitter(boolean j) {
    return new PeerSettings(localAsn, peerAsn, localRouterId, holdTime, connectRetryTime,
        maxConnectRetryTime, passive, families, gracefulRestart, extendedMessage, routeRefresh,
        enhancedRouteRefresh, j);
  }
}
