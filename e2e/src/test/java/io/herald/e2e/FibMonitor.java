package io.herald.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The router's kernel FIB changes as they happen: reads {@code ip -n <rtr> monitor route} and
 * stamps each change with {@link System#nanoTime()} when its first line arrives, far cheaper and
 * sharper than polling {@code ip route show}. A change is one route with its next hops; deletions
 * come with an empty set.
 */
final class FibMonitor implements AutoCloseable {
  /** One FIB change: the prefix, its next hops afterwards (empty: deleted), when it was read. */
  record Change(String prefix, Set<String> nextHops, long nanos) {}

  private final Process process;
  private final LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
  /** Every change since the start, kept for {@link #history}; {@link #await} consumes only {@link #changes}. */
  private final List<Change> all = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  FibMonitor(Netns rtr) {
    try {
      process = new ProcessBuilder(Netns.ip(), "-n", rtr.name(), "-4", "monitor", "route").redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    reader = new Thread(this::read, "fib-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> block = new ArrayList<>();
      long stamp = 0;
      String line;
      while ((line = in.readLine()) != null) {
        // a multipath route arrives as a head line plus one indented "nexthop" line per path
        if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
          flush(block, stamp);
          stamp = System.nanoTime();
        }
        block.add(line);
        if (!in.ready()) {
          flush(block, stamp);
        }
      }
    } catch (IOException e) {
      // the monitor was stopped
    }
  }

  private void flush(List<String> block, long stamp) {
    if (block.isEmpty()) {
      return;
    }
    boolean deleted = block.get(0).startsWith("Deleted ");
    String text = String.join("\n", block).replaceFirst("^Deleted ", "");
    block.clear();
    for (Map.Entry<String, Set<String>> e : Lab.parseRoutes(text).entrySet()) {
      Change c = new Change(e.getKey(), deleted ? Set.of() : e.getValue(), stamp);
      changes.add(c);
      all.add(c);
    }
  }

  /** The next change of {@code prefix} that satisfies {@code until}, waiting at most {@code timeoutMillis}; null on timeout. */
  Change await(String prefix, java.util.function.Predicate<Set<String>> until, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      long left = deadline - System.nanoTime();
      Change c = changes.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (c == null) {
        return null;
      }
      if (c.prefix().equals(prefix) && until.test(c.nextHops())) {
        return c;
      }
    }
  }

  /** Every change read so far, of every prefix, oldest first. */
  List<Change> history() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  void clear() {
    changes.clear();
  }

  @Override
  public void close() {
    process.destroy();
  }
}
