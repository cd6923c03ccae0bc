package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict} is clean with the defaults, the seed's values and every CI variant. */
class ChartLintTest {

  @Test
  void defaultValuesLintClean() {
    assertClean(HeraldChart.lint(Optional.empty()));
  }

  @Test
  void seedValuesFileLintsClean() {
    assertClean(HeraldChart.lint(Optional.of(HeraldChart.SEED_VALUES)));
  }

  static Stream<Path> ciValues() {
    List<Path> files = HeraldChart.ciValuesFiles();
    // An empty ci/ directory would make this test pass without linting anything.
    assertThat(files).isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("ciValues")
  void ciValuesLintClean(Path values) {
    assertClean(HeraldChart.lint(Optional.of(values)));
  }

  @Test
  void lintFailsOnValuesTheSchemaRejects() {
    // Guards the harness itself: a lint that cannot fail proves nothing.
    Path bad = HeraldChart.valuesFile(tempDir(), "bad-values.yaml", "rbac:\n  create: \"yes\"\n");
    LintResult r = HeraldChart.lint(Optional.of(bad));
    assertThat(r.isFailed()).isTrue();
    assertThat(String.join("\n", r.getMessages())).contains("rbac").contains("create");
  }

  private static Path tempDir() {
    try {
      Path d = java.nio.file.Files.createTempDirectory("herald-values-");
      d.toFile().deleteOnExit();
      return d;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertClean(LintResult r) {
    // Strict lint turns warnings into failures; only [INFO] lines (e.g. "icon is recommended") may remain.
    assertThat(r.isFailed()).as("lint failed: %s", r.getMessages()).isFalse();
    assertThat(r.getMessages()).allSatisfy(m -> assertThat(m).doesNotContain("[WARNING]").doesNotContain("[ERROR]"));
  }
}
