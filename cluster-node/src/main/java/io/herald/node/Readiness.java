package io.herald.node;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's own readiness conditions, served by {@code /ready} next to Pekko's cluster checks.
 * A condition is required once it is {@link #require required}, and the node is ready when every
 * required condition is met. The node requires {@code config-loaded}; the Kubernetes watcher
 * requires {@code informers-synced} when it starts and sets it once its informers have synced.
 */
public final class Readiness {
  public static final String CONFIG_LOADED = "config-loaded";
  public static final String INFORMERS_SYNCED = "informers-synced";

  private final Map<String, Boolean> conditions = new ConcurrentHashMap<>();

  /** Adds an unmet condition (no-op if already present). */
  public void require(String condition) {
    conditions.putIfAbsent(condition, false);
  }

  public void set(String condition, boolean met) {
    conditions.put(condition, met);
  }

  public boolean isReady() {
    return !conditions.containsValue(false);
  }

  /** A sorted copy, for status pages. */
  public Map<String, Boolean> conditions() {
    return new TreeMap<>(conditions);
  }
}
