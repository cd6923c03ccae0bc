package io.herald.protocol.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command (ip, nft, birdc, vtysh, gobgp) to completion with a timeout. */
public final class Exec {
  /** Default limit for one control command; routers answer in milliseconds when healthy. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Exec() {}

  /** What a finished command left behind. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public Result {
      command = List.copyOf(command);
    }

    public boolean ok() {
      return exitCode == 0;
    }

    /** Returns this result, or throws with the command, exit code and stderr when it failed. */
    public Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip() + " " + stdout.strip());
      }
      return this;
    }
  }

  public static Result run(String... command) {
    return run(null, DEFAULT_TIMEOUT, List.of(command));
  }

  public static Result run(List<String> command) {
    return run(null, DEFAULT_TIMEOUT, command);
  }

  /**
   * Runs {@code command}, feeding {@code stdin} (may be null) and collecting both output streams
   * on their own threads so that a chatty command cannot block on a full pipe.
   */
  public static Result run(String stdin, Duration timeout, List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
    // one thread per stream, not the common pool: these reads block for the command's lifetime
    CompletableFuture<String> out = drainAsync(p.getInputStream(), command);
    CompletableFuture<String> err = drainAsync(p.getErrorStream(), command);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the command may exit without reading its input; its exit code tells the story
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
      }
      return new Result(command, p.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read output of " + String.join(" ", command), e);
    }
  }

  private static CompletableFuture<String> drainAsync(InputStream in, List<String> command) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread t = new Thread(() -> result.complete(drain(in)), "exec-" + command.get(0));
    t.setDaemon(true);
    t.start();
    return result;
  }

  private static String drain(InputStream in) {
    try (in) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
