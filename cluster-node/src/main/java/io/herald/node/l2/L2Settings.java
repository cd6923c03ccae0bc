package io.herald.node.l2;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The cluster tuning that Layer 2 failover rests on: a failure detector for a LAN that notices a
 * silent node in well under a second (see docs/layer2.md for the numbers and the trade-off).
 */
public final class L2Settings {

  private L2Settings() {}

  /**
   * Heartbeats every 100 ms; a node is unreachable once about 500 ms pass without one (phi 8 over
   * a 50 ms minimum deviation); unreachability is checked every 100 ms instead of every second.
   * On a loaded or lossy network this can mark a live node unreachable for a moment: its IPs then
   * move and move back, which costs clients one gratuitous ARP each way, never a split brain
   * (the split-brain resolver waits {@code stable-after} before it downs anyone).
   */
  public static Config lanFailureDetector() {
    return ConfigFactory.parseString("""
        pekko.cluster {
          failure-detector {
            heartbeat-interval = 100ms
            acceptable-heartbeat-pause = 400ms
            threshold = 8.0
            min-std-deviation = 50ms
            expected-response-after = 200ms
          }
          unreachable-nodes-reaper-interval = 100ms
        }
        """);
  }
}
