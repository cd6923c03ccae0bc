package io.herald.k8s.sandbox;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against a sandbox API; tests skip when it is not installed. */
public final class Kubectl {

  /** What one kubectl run printed. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private final Path kubeconfig;
  private final Path cacheDir;

  private Kubectl(Path kubeconfig, Path cacheDir) {
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /** The kubectl on PATH, or empty. */
  public static java.util.Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, "kubectl");
      if (Files.isExecutable(p)) return java.util.Optional.of(p);
    }
    return java.util.Optional.empty();
  }

  /** Skips the calling test unless kubectl is installed; writes a kubeconfig for {@code api}. */
  public static Kubectl forSandbox(SandboxApi api, Path workDir) {
    assumeTrue(find().isPresent(), "kubectl is not on PATH: the kubectl tests need the kubectl client (v1.32 tested)");
    Path config = workDir.resolve("sandbox.kubeconfig");
    api.writeKubeconfig(config);
    return new Kubectl(config, workDir.resolve("kube-cache"));
  }

  public Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(find().orElseThrow().toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    // A private discovery cache, so runs do not see each other's discovery.
    cmd.add("--cache-dir=" + cacheDir);
    cmd.add("--request-timeout=20s");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("KUBECONFIG");
    Path out = Files.createTempFile("kubectl", ".out");
    Path err = Files.createTempFile("kubectl", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(
          p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
