package io.herald.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL cluster for one test: Debian's server binaries, a data directory in a
 * fresh temp dir, a free loopback port, trust authentication. Stopped by PID and deleted by
 * {@link #close}. Tests call {@link #startOrSkip} and are skipped, with the reason, when the
 * {@code postgresql} package is not installed.
 */
public final class PostgresServer implements AutoCloseable {
  private final Path bin;
  private final Path root;
  private final Path data;
  private final boolean asPostgresUser;
  private final int port;
  private long pid = -1;

  private PostgresServer(Path bin, Path root, boolean asPostgresUser, int port) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.asPostgresUser = asPostgresUser;
    this.port = port;
  }

  /** The newest {@code /usr/lib/postgresql/N/bin} that holds initdb and pg_ctl. */
  static Optional<Path> binaries() {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> versionOf(b)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionOf(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public static PostgresServer startOrSkip(String database) throws Exception {
    Optional<Path> bin = binaries();
    Assumptions.assumeTrue(bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)");
    // The server refuses to run as root: run it as the postgres system user then.
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Assumptions.assumeTrue(run(List.of("id", "-u", "postgres"), false) == 0,
          "running as root and there is no postgres user to run the server as");
      Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")),
          "running as root and runuser is missing");
    }
    Path dir = Files.createTempDirectory("herald-pg-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PostgresServer pg = new PostgresServer(bin.get(), dir, root, TestNodes.freePort());
    try {
      pg.start(database);
    } catch (Exception e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  private void start(String database) throws Exception {
    if (asPostgresUser) {
      check(run(List.of("chown", "postgres:postgres", root.toString()), false), "chown");
    }
    check(runAs(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
        "-E", "UTF8", "--no-sync")), "initdb");
    String opts = "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off"
        + " -c synchronous_commit=off -c full_page_writes=off";
    check(runAs(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", opts,
        "-l", root.resolve("server.log").toString(), "-w", "-t", "60", "start")), "pg_ctl start");
    pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8).get(0).trim());
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  @Override
  public void close() throws Exception {
    try {
      if (pid > 0) {
        if (runAs(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "30",
            "stop")) != 0) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
      }
    } finally {
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private int runAs(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    return run(full, true);
  }

  private static int run(List<String> command, boolean inheritOutput) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static void check(int exit, String what) {
    if (exit != 0) {
      throw new IllegalStateException(what + " failed with exit code " + exit);
    }
  }
}
