package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the node image with {@code bin/build-image} (debootstrap base, Jib), unpacks its layers
 * into a root file system and runs the image's entry point in a chroot, as the image's user, with
 * {@code /proc} mounted: {@code herald --version} names the chart's appVersion, and {@code herald
 * config validate} accepts the seed's values file. Needs root, debootstrap, chroot and mount;
 * skipped with the reason otherwise. The first run makes the base (a few minutes) and caches it.
 */
class ContainerImageIT {

  private static final Path ROOT = HeraldChart.MODULE.getParent();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  @Test
  void theImageRunsTheNodeCommandLine() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (debootstrap, chroot, mount)");
    for (String tool : List.of("debootstrap", "chroot", "mount", "umount", "tar")) {
      assumeTrue(onPath(tool), tool + " not installed (bin/install-test-deps installs debootstrap)");
    }
    Path image = ROOT.resolve("cluster-node/target/herald-image.tar");
    Run build = run(dir.resolve("build.log"), 1800, ROOT.resolve("bin/build-image").toString());
    assertThat(build.code()).as(build.output()).isZero();
    assertThat(image).isRegularFile();

    Path unpacked = Files.createDirectories(dir.resolve("image"));
    assertThat(run(dir.resolve("untar.log"), 300, "tar", "-xf", image.toString(), "-C", unpacked.toString()).code())
        .isZero();
    JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
    assertThat(manifest.path("RepoTags").get(0).asString()).isEqualTo(chartImage());
    JsonNode config = JSON.readTree(unpacked.resolve(manifest.path("Config").asString()).toFile()).path("config");
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.path("Layers")) {
      // GNU tar detects the layers' compression (Jib's are gzip, the base's plain).
      Run x = run(dir.resolve("layer.log"), 600, "tar", "--numeric-owner", "-xf",
          unpacked.resolve(layer.asString()).toString(), "-C", rootfs.toString());
      assertThat(x.code()).as(x.output()).isZero();
    }
    assertThat(config.path("User").asString()).isEqualTo("65532:65532");
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(e -> entrypoint.add(e.asString()));
    assertThat(entrypoint).contains("io.herald.node.cli.HeraldCommand");
    Files.copy(HeraldChart.SEED_VALUES, rootfs.resolve("tmp/seed-values.yaml"));

    Path proc = rootfs.resolve("proc");
    Files.createDirectories(proc);
    assertThat(run(dir.resolve("mount.log"), 30, "mount", "-t", "proc", "proc", proc.toString()).code()).isZero();
    try {
      Run version = inChroot(rootfs, config, entrypoint, "--version");
      assertThat(version.code()).as(version.output()).isZero();
      assertThat(version.output().strip()).isEqualTo("herald " + chartAppVersion());

      Run validate = inChroot(rootfs, config, entrypoint, "config", "validate", "/tmp/seed-values.yaml");
      assertThat(validate.code()).as(validate.output()).isZero();
      assertThat(validate.output()).startsWith("valid: ").contains("2 pools");
    } finally {
      Run umount = run(dir.resolve("umount.log"), 30, "umount", proc.toString());
      if (umount.code() != 0) run(dir.resolve("umount.log"), 30, "umount", "-l", proc.toString());
    }
    // Only with /proc gone may the temporary directory be deleted.
    assertThat(Files.readAllLines(Path.of("/proc/self/mounts")).stream().noneMatch(l -> l.contains(proc.toString())))
        .as("/proc unmounted from the image").isTrue();
  }

  /** The entry point with {@code args}, in the image's environment and as its user. */
  private Run inChroot(Path rootfs, JsonNode config, List<String> entrypoint, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("chroot", "--userspec=" + config.path("User").asString(),
        rootfs.toString(), "/usr/bin/env", "-i"));
    config.path("Env").forEach(e -> cmd.add(e.asString()));
    cmd.addAll(entrypoint);
    cmd.addAll(List.of(args));
    return run(dir.resolve("chroot.log"), 120, cmd.toArray(String[]::new));
  }

  private static String chartAppVersion() {
    return HeraldChart.readYaml(HeraldChart.DIR.resolve("Chart.yaml")).path("appVersion").asString();
  }

  private static String chartImage() {
    JsonNode values = HeraldChart.readYaml(HeraldChart.DIR.resolve("values.yaml"));
    return values.at("/speaker/image/repository").asString() + ":" + chartAppVersion();
  }

  record Run(int code, String output) {}

  private static Run run(Path log, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        return new Run(-1, String.join(" ", cmd) + " did not finish: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean onPath(String tool) {
    return Stream.of((System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }
}
