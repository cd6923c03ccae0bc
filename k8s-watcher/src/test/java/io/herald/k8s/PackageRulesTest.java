package io.herald.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The module's import rules: the pure packages import neither fabric8 nor Pekko. */
class PackageRulesTest {

  private static final Path SRC = Path.of("src/main/java/io/herald/k8s");
  /** The shells that talk to the API server (and the sandbox, which is one). */
  private static final Set<String> FABRIC8_ALLOWED = Set.of("convert", "informer", "write", "sandbox");
  private static final Set<String> PEKKO_ALLOWED = Set.of("watcher");

  @Test
  void fabric8AndPekkoStayInTheirShells() throws IOException {
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> s = Files.walk(SRC)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
        files++;
        String pkg = SRC.relativize(p).getName(0).toString();
        for (String line : Files.readAllLines(p)) {
          if (line.startsWith("import io.fabric8") && !FABRIC8_ALLOWED.contains(pkg)) violations.add(p + ": " + line);
          if (line.startsWith("import org.apache.pekko") && !PEKKO_ALLOWED.contains(pkg)) violations.add(p + ": " + line);
        }
      }
    }
    assertThat(files).as("sources found").isGreaterThan(20);
    assertThat(violations).isEmpty();
  }
}
