package io.herald.node.announce;

import io.herald.protocol.session.BgpPeer;
import io.herald.protocol.session.PeerListener;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Instant;

/**
 * What one session reports, readable from any thread (status pages, metrics). The session's
 * Netty event loop writes it through the {@link PeerListener} callbacks; nothing here is a
 * collection, so readers never see a half-updated structure.
 */
public final class PeerTelemetry implements PeerListener {
  public static final String ESTABLISHED = "Established";

  private final Clock clock;
  private volatile String state = "Idle";
  private volatile Instant since;
  private volatile String lastDown = "";
  private volatile BgpPeer peer;
  private volatile boolean desiredSetWaiting;
  private final AtomicLong desiredSetsConflated = new AtomicLong();
  private final AtomicLong desiredSetsHandedOver = new AtomicLong();

  public PeerTelemetry(Clock clock) {
    this.clock = clock;
    this.since = clock.instant();
  }

  void attach(BgpPeer p) {
    this.peer = p;
  }

  @Override
  public void stateChanged(String from, String to, String reason) {
    state = to;
    since = clock.instant();
    if (!reason.isEmpty()) {
      lastDown = reason;
    }
  }

  /** The RFC 4271 §8 state name, e.g. "Established", "Active". */
  public String state() {
    return state;
  }

  public boolean isEstablished() {
    return ESTABLISHED.equals(state);
  }

  /** When the session entered its current state (the uptime when Established). */
  public Instant since() {
    return since;
  }

  /** Why the session last went down, with the NOTIFICATION sent or received, or empty. */
  public String lastDown() {
    return lastDown;
  }

  /** Bytes the session's channel holds that the router has not taken yet. */
  public long pendingWriteBytes() {
    BgpPeer p = peer;
    return p == null ? 0 : p.pendingWriteBytes();
  }

  void desiredSetWaiting(boolean waiting) {
    desiredSetWaiting = waiting;
  }

  void desiredSetConflated() {
    desiredSetsConflated.incrementAndGet();
  }

  void desiredSetHandedOver() {
    desiredSetsHandedOver.incrementAndGet();
  }

  /** Whether a desired set waits in the pipeline for the channel (there is never more than one). */
  public boolean desiredSetWaiting() {
    return desiredSetWaiting;
  }

  /** Desired sets replaced by a newer one before the session took them. */
  public long desiredSetsConflated() {
    return desiredSetsConflated.get();
  }

  /** Desired sets the session took (each one becomes a diff against what the router has). */
  public long desiredSetsHandedOver() {
    return desiredSetsHandedOver.get();
  }

  public long prefixesAnnounced() {
    BgpPeer p = peer;
    return p == null ? 0 : p.prefixesAnnounced();
  }

  public long updatesSent() {
    BgpPeer p = peer;
    return p == null ? 0 : p.updatesSent();
  }
}
