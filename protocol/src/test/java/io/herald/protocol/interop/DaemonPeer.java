package io.herald.protocol.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the four routers share: a work directory and child processes owned by PID. */
abstract class DaemonPeer implements RouterPeer {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonPeer.class);
  /** Peers not closed yet: a shutdown hook closes them (processes and work directories). */
  private static final Set<DaemonPeer> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(DaemonPeer::closeAllOpen, "router-peer-cleanup"));
  }

  protected final PeerConfig config;
  protected final Path workDir;
  private final List<ChildProcess> processes = new ArrayList<>();
  private boolean closed;

  DaemonPeer(String kind, PeerConfig config) {
    this.config = config;
    try {
      this.workDir = Files.createTempDirectory("hrld-" + kind + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    OPEN.add(this);
  }

  private static void closeAllOpen() {
    List<DaemonPeer> left;
    synchronized (OPEN) {
      left = new ArrayList<>(OPEN);
    }
    for (DaemonPeer p : left) {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("router cleanup: {} {}", p.kind(), p.workDir, e);
      }
    }
  }

  @Override
  public PeerConfig config() {
    return config;
  }

  @Override
  public Path workDir() {
    return workDir;
  }

  /** Starts a daemon in the foreground, inside the configured namespace when there is one. */
  protected ChildProcess startProcess(String name, List<String> command, Map<String, String> env) {
    Path log = workDir.resolve(name + ".out");
    ChildProcess p = config.netns() == null
        ? ChildProcess.start(name, command, env, log)
        : config.netns().start(name, command, env, log);
    processes.add(p);
    return p;
  }

  /** Fails with the daemon's output when it died during start-up. */
  protected void checkAlive(ChildProcess p) {
    if (!p.isAlive()) {
      throw new IllegalStateException(kind() + ": " + p.name() + " exited " + p.exitCode().orElse(-1) + ":\n"
          + p.tail(20));
    }
  }

  protected String read(String file) {
    try {
      return Files.readString(workDir.resolve(file));
    } catch (IOException e) {
      return "";
    }
  }

  /** Runs {@code start} and closes this peer if it throws, so a failed start leaves nothing behind. */
  protected void startOrClean(Runnable start) {
    try {
      start.run();
    } catch (RuntimeException | Error e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public List<Long> pids() {
    return processes.stream().filter(ChildProcess::isAlive).map(ChildProcess::pid).toList();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    OPEN.remove(this);
    List<ChildProcess> reverse = new ArrayList<>(processes);
    Collections.reverse(reverse);
    RuntimeException failure = null;
    for (ChildProcess p : reverse) {
      try {
        p.stop();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    List<Long> left = pids();
    if (!left.isEmpty() && failure == null) {
      failure = new IllegalStateException(kind() + ": processes left after close: " + left);
    }
    deleteTree(workDir);
    if (failure != null) {
      throw failure;
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** Writes {@code text} to {@code file} in the work directory. */
  protected Path write(String file, String text) {
    try {
      return Files.writeString(workDir.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
