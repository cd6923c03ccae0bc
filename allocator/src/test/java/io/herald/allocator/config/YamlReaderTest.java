package io.herald.allocator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.config.YamlNode.Mapping;
import io.herald.allocator.config.YamlNode.Scalar;
import io.herald.allocator.config.YamlNode.ScalarKind;
import io.herald.allocator.config.YamlNode.Sequence;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

  @Test
  void keepsLinesAcrossDocuments() {
    String text = """
        a: 1
        b:
          - "x"
          - true
        ---
        # comment
        c: {d: 1.5}
        ---
        """;
    var docs = ((YamlReader.Parsed.Documents) YamlReader.read(text, 0)).documents();
    assertThat(docs).hasSizeGreaterThanOrEqualTo(2);
    Mapping first = (Mapping) docs.get(0);
    assertThat(first.entry("a").orElseThrow().value()).isEqualTo(new Scalar("1", ScalarKind.INTEGER, 1));
    Sequence b = (Sequence) first.entry("b").orElseThrow().value();
    assertThat(b.items()).containsExactly(new Scalar("x", ScalarKind.STRING, 3), new Scalar("true", ScalarKind.BOOLEAN, 4));
    Mapping second = (Mapping) docs.get(1);
    assertThat(second.entry("c").orElseThrow().keyLine()).isEqualTo(7);
  }

  @Test
  void offsetsLinesOfEmbeddedText() {
    var docs = ((YamlReader.Parsed.Documents) YamlReader.read("x:\n  y: z\n", 10)).documents();
    Mapping x = (Mapping) ((Mapping) docs.get(0)).entry("x").orElseThrow().value();
    assertThat(x.entry("y").orElseThrow().keyLine()).isEqualTo(12);
  }

  @Test
  void reportsSyntaxErrorsWithTheirLine() {
    var r = YamlReader.read("a: 1\nb: [1, 2\nc: 3\n", 0);
    assertThat(r).isInstanceOf(YamlReader.Parsed.SyntaxError.class);
    assertThat(((YamlReader.Parsed.SyntaxError) r).line()).isBetween(2, 4);
  }

  @Test
  void remembersDuplicateKeys() {
    var docs = ((YamlReader.Parsed.Documents) YamlReader.read("a: 1\na: 2\n", 0)).documents();
    assertThat(((Mapping) docs.get(0)).duplicates()).extracting(YamlNode.Entry::keyLine).containsExactly(2);
  }
}
