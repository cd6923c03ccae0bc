package io.herald.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The real kubectl binary, run against one kubeconfig with a private discovery cache. */
final class Kubectl {

  /** One run: exit code and everything printed (stdout, then stderr). */
  record Result(int code, String output) {}

  private final Path kubeconfig;

  Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  static Optional<Path> find() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, "kubectl");
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  static boolean available() {
    return find().isPresent();
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(find().orElseThrow().toString(), "--kubeconfig=" + kubeconfig,
        "--cache-dir=" + kubeconfig.resolveSibling("kube-cache"), "--request-timeout=20s"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(kubeconfig.getParent(), "kubectl", ".out");
    Path err = Files.createTempFile(kubeconfig.getParent(), "kubectl", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("KUBECONFIG");
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IOException("kubectl " + args[0] + " did not finish");
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8)
          + Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
