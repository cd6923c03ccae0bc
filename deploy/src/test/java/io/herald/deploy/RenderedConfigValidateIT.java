package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration file the chart gives the node (its ConfigMap) is accepted by {@code herald
 * config validate}, the node's own loader. Needs the node jar ({@code mvn -DskipTests package}).
 */
class RenderedConfigValidateIT {

  private static final Path ROOT = HeraldChart.MODULE.getParent();
  private static final Path HERALD = ROOT.resolve("bin/herald");

  @TempDir Path dir;

  @BeforeAll
  static void needsTheNodeJar() {
    assumeTrue(Files.isRegularFile(ROOT.resolve("cluster-node/target/herald-node.jar")),
        "cluster-node/target/herald-node.jar not built: run mvn -DskipTests package first");
  }

  static Stream<Path> valuesFiles() {
    List<Path> files = new ArrayList<>();
    files.add(HeraldChart.SEED_VALUES);
    files.addAll(HeraldChart.ciValuesFiles());
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void renderedConfigIsValid(Path values) throws Exception {
    Path config = renderedConfig(List.of(values), "config.yaml");
    Run r = validate(config);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).startsWith("valid: ");
  }

  @Test
  void seedConfigKeepsItsPoolsAndPeer() throws Exception {
    Run r = validate(renderedConfig(List.of(HeraldChart.SEED_VALUES), "seed.yaml"));
    assertThat(r.output()).contains("2 pools", "320 addresses", "1 peer");
  }

  @Test
  void anInvalidConfigInlinePassesHelmButNotTheNode() throws Exception {
    // configInline is free-form for the chart's schema; the node's loader is the judge.
    Path values = HeraldChart.valuesFile(dir, "bad-values.yaml", """
        configInline:
          address-pools:
            - name: broken
              protocol: bgp
              addresses: [10.0.0.0/33]
        """);
    Run r = validate(renderedConfig(List.of(values), "bad.yaml"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("broken");
  }

  private Path renderedConfig(List<Path> values, String name) throws IOException {
    String text = HeraldChart.render(values, Map.of()).one("ConfigMap").at("/data/config.yaml").asString();
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private record Run(int exit, String output) {}

  private Run validate(Path config) throws Exception {
    Process p = new ProcessBuilder(HERALD.toString(), "config", "validate", config.toString())
        .redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Run(p.exitValue(), out);
    } finally {
      p.destroyForcibly();
    }
  }
}
