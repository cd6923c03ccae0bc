package io.herald.allocator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code config/malformed} starts with {@code # expect: LINE: kind/name: field:
 * message}; loading it must be rejected with exactly that error first.
 */
class MalformedConfigCorpusTest {

  static List<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(MalformedConfigCorpusTest.class.getResource("/config/malformed").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void corpusIsLargeEnough() throws Exception {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void rejectedWithTheExpectedErrorLine(Path file) throws IOException {
    String text = Files.readString(file);
    String firstLine = text.substring(0, text.indexOf('\n'));
    assertThat(firstLine).startsWith("# expect: ");
    String name = file.getFileName().toString();
    String expected = name + ":" + firstLine.substring("# expect: ".length());

    ConfigLoader.Result r = ConfigLoader.load(name, text);

    assertThat(r).isInstanceOf(ConfigLoader.Result.Invalid.class);
    List<ConfigError> errors = ((ConfigLoader.Result.Invalid) r).errors();
    assertThat(errors.get(0).toString()).isEqualTo(expected);
  }
}
