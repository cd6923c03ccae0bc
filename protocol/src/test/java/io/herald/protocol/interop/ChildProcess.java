package io.herald.protocol.interop;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running child process (a router daemon, a JVM in a namespace) that the harness owns by
 * PID. Its merged stdout/stderr is read line by line, copied to a log file and kept in memory so
 * that a test can wait for a line such as "established ...".
 */
public final class ChildProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  private static final int KEEP_LINES = 20_000;
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** Started and not yet stopped: a shutdown hook stops them if a test forgot to (or crashed). */
  private static final Set<ChildProcess> RUNNING = Collections.synchronizedSet(new LinkedHashSet<>());

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::stopAllRunning, "child-process-cleanup"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private long linesSeen;
  private final Thread reader;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.reader = new Thread(this::pump, "out-" + name + "-" + process.pid());
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Starts {@code command} with extra environment {@code env}; stdin is closed, stdout and stderr
   * go to {@code log} and to memory.
   */
  public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ChildProcess p = new ChildProcess(name, pb.start(), log);
      RUNNING.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Exit code once the process ended. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** The output lines read so far (at most the last 20000). */
  public synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** The last {@code n} output lines, for failure messages. */
  public synchronized String tail(int n) {
    List<String> all = new ArrayList<>(lines);
    return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
  }

  /**
   * Waits until an output line matches and returns it. Fails early if the process exits first, and
   * on timeout with the output tail.
   */
  public String awaitLine(Predicate<String> matcher, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        for (String l : lines) {
          if (matcher.test(l)) {
            return l;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching line from " + name + " within " + timeout + "; output:\n" + tail(30));
        }
        if (!process.isAlive() && !reader.isAlive()) {
          throw new AssertionError(name + " exited with " + process.exitValue() + " before a matching line; output:\n"
              + tail(30));
        }
        try {
          wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }
  }

  /**
   * Stops the process and every process it started: SIGTERM, a grace period, then SIGKILL.
   * Descendants are collected before the parent dies, since they are re-parented afterwards.
   */
  public void stop() {
    List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
    family.add(0, process.toHandle());
    family.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle h : family) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        // still alive after the grace period: killed below
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    try {
      process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : family) {
      if (h.isAlive()) {
        throw new IllegalStateException("process " + h.pid() + " of " + name + " survived SIGKILL");
      }
    }
    RUNNING.remove(this);
  }

  private static void stopAllRunning() {
    List<ChildProcess> left;
    synchronized (RUNNING) {
      left = new ArrayList<>(RUNNING);
    }
    for (ChildProcess p : left) {
      try {
        p.stop();
      } catch (RuntimeException e) {
        LOG.warn("child process cleanup: {}", p, e);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        synchronized (this) {
          lines.addLast(line);
          linesSeen++;
          if (lines.size() > KEEP_LINES) {
            lines.removeFirst();
          }
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the pipe closes when the process dies; the log file may be gone after cleanup
    } finally {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  @Override
  public String toString() {
    return name + "[" + process.pid() + (process.isAlive() ? "" : ", exited") + ", " + linesSeen + " lines]";
  }
}
