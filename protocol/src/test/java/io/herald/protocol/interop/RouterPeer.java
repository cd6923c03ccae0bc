package io.herald.protocol.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real BGP router (BIRD, FRR, GoBGP, ExaBGP) started by a test as child processes, configured
 * from a {@link PeerConfig}, queried through its own CLI, and stopped by PID on {@link #close()}.
 */
public interface RouterPeer extends AutoCloseable {
  /** "bird", "frr", "gobgp" or "exabgp". */
  String kind();

  PeerConfig config();

  /** Directory holding the generated config, logs, pid files and control sockets. */
  Path workDir();

  /** The router's session state towards {@code neighbor}. */
  SessionState state(String neighbor);

  /** Routes received from {@code neighbor} and kept (after import policy), all families. */
  List<ReceivedRoute> routes(String neighbor);

  /** Number of routes received from {@code neighbor}, without listing them: cheap at 100k. */
  long routeCount(String neighbor);

  /** PIDs of the router's processes still alive (empty after close). */
  List<Long> pids();

  /** Stops every process by PID, checks none is left, deletes the work directory. */
  @Override
  void close();

  default boolean isEstablished(String neighbor) {
    return state(neighbor).isEstablished();
  }

  /** Polls {@code probe} until {@code condition} holds; fails the test on timeout. */
  default <T> T waitFor(String what, Supplier<T> probe, Predicate<? super T> condition, Duration timeout) {
    return Await.until(kind() + ": " + what, timeout, probe, condition);
  }

  default void awaitEstablished(String neighbor, Duration timeout) {
    waitFor("session with " + neighbor + " Established", () -> state(neighbor), SessionState::isEstablished, timeout);
  }

  default void awaitState(String neighbor, Predicate<SessionState> condition, Duration timeout) {
    waitFor("session state with " + neighbor, () -> state(neighbor), condition, timeout);
  }

  default List<ReceivedRoute> awaitRoutes(String neighbor, Predicate<List<ReceivedRoute>> condition,
      Duration timeout) {
    return waitFor("routes from " + neighbor, () -> routes(neighbor), condition, timeout);
  }

  default long awaitRouteCount(String neighbor, long expected, Duration timeout) {
    return waitFor(expected + " routes from " + neighbor, () -> routeCount(neighbor), n -> n == expected, timeout);
  }
}
