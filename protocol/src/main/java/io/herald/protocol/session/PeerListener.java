package io.herald.protocol.session;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;

/** What a peer session reports. Called on the session's event loop: return quickly. */
public interface PeerListener {
  /** A state change of the RFC 4271 §8 FSM, with why when it went down. */
  default void stateChanged(String from, String to, String reason) {}

  default void established(Established info) {}

  /**
   * Everything pending has been written: the initial table (then End-of-RIB), or the changes
   * after a new desired set. {@code elapsed} runs from Established, or from the change.
   */
  default void tableSent(int announced, int withdrawn, Duration elapsed) {}

  /**
   * An UPDATE from the peer on the Established session, with the RFC 7606 issues that did not
   * reset it (treat-as-withdraw: consider its NLRI withdrawn).
   */
  default void updateReceived(io.herald.protocol.message.Update update,
      java.util.List<io.herald.protocol.codec.BgpError> issues) {}

  record Established(
      InetSocketAddress local, InetSocketAddress remote, long peerAs, int holdTimeSeconds,
      Set<String> families, boolean fourOctetAs, boolean extendedMessage) {}
}
