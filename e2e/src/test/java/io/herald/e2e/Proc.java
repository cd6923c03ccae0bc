package io.herald.e2e;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running process of the lab (a Herald node, a router daemon, the HTTP server, the client),
 * owned by PID. Its merged output goes to a log file and stays in memory so that a test can wait
 * for a line. {@code ip netns exec} execs in place, so the PID is the command's own.
 */
final class Proc {
  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.reader = new Thread(() -> pump(log), "out-" + name);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  static Proc start(String name, List<String> command, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().remove("KUBECONFIG");
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      return new Proc(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  synchronized String tail(int n) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Waits for an output line matching {@code matcher}; fails early if the process exits first. */
  String awaitLine(Predicate<String> matcher, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      int from = 0;
      while (true) {
        for (; from < lines.size(); from++) {
          if (matcher.test(lines.get(from))) {
            return lines.get(from);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching line from " + name + " within " + timeout + "; output:\n" + tail(40));
        }
        if (!process.isAlive() && !reader.isAlive()) {
          throw new AssertionError(name + " exited " + process.exitValue() + "; output:\n" + tail(40));
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

  /** SIGTERM, and SIGKILL after {@code grace}; returns the exit code. */
  int stop(Duration grace) {
    process.destroy();
    return waitOrKill(grace);
  }

  /** SIGKILL: no shutdown of any kind, as a crashed host. */
  int kill() {
    process.destroyForcibly();
    return waitOrKill(Duration.ofSeconds(10));
  }

  private int waitOrKill(Duration grace) {
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(2000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void pump(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        synchronized (this) {
          lines.add(line);
          if (lines.size() > 50_000) {
            lines.subList(0, 10_000).clear();
          }
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process closed its output: it ended
    } finally {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  @Override
  public String toString() {
    return name + "(" + process.pid() + ")";
  }
}
