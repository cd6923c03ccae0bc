package io.herald.protocol.fsm;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Open;
import java.util.ArrayList;
import java.util.List;

/** Builds the OPEN we send (RFC 4271 §4.2) with the capabilities of RFC 5492 that we speak. */
public final class LocalOpen {
  private LocalOpen() {}

  /**
   * Our OPEN for {@code settings}. Capabilities, in order: Multiprotocol per family (RFC 4760 §8),
   * Route Refresh (RFC 2918) and Enhanced Route Refresh (RFC 7313) when enabled, 4-octet AS
   * always (RFC 6793 §3 — a NEW speaker always sends it), Extended Message (RFC 8654) when
   * enabled, and Graceful Restart (RFC 4724 §3) when enabled. A 4-octet local AS goes into the
   * 2-octet field as AS_TRANS (RFC 6793 §4.2.2).
   *
   * <p>Graceful Restart: the Restart State (R) bit is {@code restartState}, true only in the first
   * session after this process started. Each of our families is listed with the Forwarding State
   * (F) bit clear: this speaker only announces routes and keeps no forwarding table of its own, so
   * it cannot claim forwarding state was preserved (RFC 4724 §3). The consequence is deliberate:
   * after our restart the peer drops our stale routes as soon as it sees the new OPEN (RFC 4724
   * §4.2) and installs the ones we re-send, rather than keeping routes we no longer stand behind.
   */
  public static Open build(PeerSettings settings, boolean restartState) {
    List<Capability> caps = new ArrayList<>();
    for (AddressFamily f : settings.families()) {
      caps.add(new Capability.Multiprotocol(f));
    }
    if (settings.routeRefresh()) {
      caps.add(new Capability.RouteRefresh());
    }
    if (settings.enhancedRouteRefresh()) {
      caps.add(new Capability.EnhancedRouteRefresh());
    }
    caps.add(new Capability.FourOctetAs(settings.localAsn()));
    if (settings.extendedMessage()) {
      caps.add(new Capability.ExtendedMessage());
    }
    settings.gracefulRestart().ifPresent(gr -> {
      List<Capability.GracefulRestart.Family> fams = new ArrayList<>();
      for (AddressFamily f : settings.families()) {
        fams.add(new Capability.GracefulRestart.Family(f, false));
      }
      caps.add(new Capability.GracefulRestart(
          restartState, (int) gr.restartTime().getSeconds(), fams));
    });
    return Open.of(settings.localAsn(), (int) settings.holdTime().getSeconds(),
        settings.localRouterId(), caps);
  }
}
