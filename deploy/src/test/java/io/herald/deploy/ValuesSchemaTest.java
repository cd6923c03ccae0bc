package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** values.schema.json rejects typos and wrong types, and every value is documented. */
class ValuesSchemaTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // values file                                        | path in the message | Helm's schema message
      "rbac: {create: \"yes\"}                              | /rbac/create        | got string, want boolean",
      "crds: {enabled: 1}                                   | /crds/enabled       | got number, want boolean",
      "cluster: {remotingPort: \"25520\"}                   | /cluster/remotingPort | got string, want integer",
      "cluster: {remotingPort: 70000}                       | /cluster/remotingPort | maximum",
      "persistence: {backend: mysql}                        | /persistence/backend | 'h2', 'postgres'",
      "speaker: {logLevel: verbose}                         | /speaker/logLevel   | 'none'",
      "configInline: [peers]                                | /configInline       | got array, want string or object",
  })
  void wrongTypesAreRejectedWithTheSchemasMessage(String yaml, String path, String message) {
    Path values = HeraldChart.valuesFile(dir, "bad-values.yaml", yaml + "\n");
    assertThatThrownBy(() -> HeraldChart.template(List.of(values), Map.of()))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("'" + path + "'")
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "speakr: {logLevel: debug}              | ''                  | speakr",
      "speaker: {imagee: {tag: x}}            | /speaker            | imagee",
      "persistence: {postgres: {hots: db}}    | /persistence/postgres | hots",
      "prometheus: {serviceMonitor: {enable: true}} | /prometheus/serviceMonitor | enable",
  })
  void unknownKeysAreRejectedWithTheSchemasMessage(String yaml, String path, String key) {
    Path values = HeraldChart.valuesFile(dir, "typo-values.yaml", yaml + "\n");
    assertThatThrownBy(() -> HeraldChart.template(List.of(values), Map.of()))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("at '" + path + "'")
        .hasMessageContaining("additional properties '" + key + "' not allowed");
  }

  @Test
  void everyValueIsDocumented() throws IOException {
    List<String> undocumented = undocumentedKeys(
        Files.readAllLines(HeraldChart.DIR.resolve("values.yaml"), StandardCharsets.UTF_8));
    assertThat(undocumented).isEmpty();
  }

  @Test
  void theDocumentationCheckFindsAnUndocumentedKey() {
    List<String> lines = List.of("# -- documented", "a: 1", "b:", "  # -- documented", "  c: 2", "  d: x");
    assertThat(undocumentedKeys(lines)).containsExactly("b.d");
  }

  @Test
  void everyTopLevelSchemaPropertyHasADefault() {
    JsonNode schema = HeraldChart.YAML.readTree(HeraldChart.DIR.resolve("values.schema.json").toFile());
    JsonNode values = HeraldChart.readYaml(HeraldChart.DIR.resolve("values.yaml"));
    List<String> schemaKeys = new ArrayList<>(schema.path("properties").propertyNames());
    List<String> valueKeys = new ArrayList<>(values.propertyNames());
    assertThat(schemaKeys).containsExactlyInAnyOrderElementsOf(valueKeys);
  }

  /**
   * Keys of values.yaml (dotted) whose value no "# --" comment documents: the comment right above
   * the key, or above one of its parents (a documented map documents its children).
   */
  static List<String> undocumentedKeys(List<String> lines) {
    record Open(int indent, String key, boolean documented) {}
    Deque<Open> stack = new ArrayDeque<>();
    List<String> missing = new ArrayList<>();
    boolean commentAbove = false;
    for (String line : lines) {
      String t = line.strip();
      if (t.isEmpty()) {
        commentAbove = false;
        continue;
      }
      int indent = line.indexOf(t);
      if (t.startsWith("#")) {
        commentAbove |= t.startsWith("# --");
        continue;
      }
      if (t.startsWith("-") || !t.contains(":")) {
        continue; // list items belong to the key above
      }
      while (!stack.isEmpty() && stack.peek().indent() >= indent) {
        stack.pop();
      }
      String key = t.substring(0, t.indexOf(':'));
      boolean parentDocumented = stack.stream().anyMatch(Open::documented);
      boolean documented = commentAbove || parentDocumented;
      String rest = t.substring(t.indexOf(':') + 1).strip();
      StringBuilder path = new StringBuilder();
      stack.descendingIterator().forEachRemaining(o -> path.append(o.key()).append('.'));
      path.append(key);
      if (!rest.isEmpty() && !documented) {
        missing.add(path.toString());
      }
      stack.push(new Open(indent, key, documented));
      commentAbove = false;
    }
    return missing;
  }
}
