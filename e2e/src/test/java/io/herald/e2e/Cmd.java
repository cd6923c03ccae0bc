package io.herald.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Short commands of the lab ({@code ip}, {@code nft}, {@code birdc}, {@code vtysh}): run, wait, capture. */
final class Cmd {
  private static final long TIMEOUT_SECONDS = 60;

  private Cmd() {}

  /** The exit code and the merged output of one command. */
  record Result(List<String> command, int exit, String out) {
    boolean ok() {
      return exit == 0;
    }

    Result orThrow() {
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ": " + out.strip());
      }
      return this;
    }
  }

  static Result run(String... command) {
    return run(null, List.of(command));
  }

  static Result run(List<String> command) {
    return run(null, command);
  }

  /** Runs {@code command} with {@code stdin} (or nothing) as its input. */
  static Result run(String stdin, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    try {
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(command, -1, new String(out, StandardCharsets.UTF_8));
      }
      return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The executable {@code name} on PATH or in the sbin directories, if installed. */
  static Optional<Path> find(String name) {
    if (name.startsWith("/")) {
      return Files.isExecutable(Path.of(name)) ? Optional.of(Path.of(name)) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return Optional.empty();
  }

  static String require(String name) {
    return find(name).orElseThrow(() -> new IllegalStateException(name + " is not installed")).toString();
  }
}
