package io.herald.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart under {@code helm/herald}, linted and rendered by real Helm (helm-java embeds Helm's
 * Go library), and the rendered manifests parsed with Jackson's YAML reader.
 */
final class HeraldChart {

  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path DIR = MODULE.resolve("helm/herald");
  static final Path SEED_VALUES = MODULE.resolve("examples/metallb-values.yaml");
  static final String RELEASE = "metallb";
  static final String NAMESPACE = "metallb-system";
  static final YAMLMapper YAML = YAMLMapper.builder().build();

  private HeraldChart() {}

  /** The chart's values files for CI variants ({@code ci/*-values.yaml}), sorted by name. */
  static List<Path> ciValuesFiles() {
    try (Stream<Path> s = Files.list(DIR.resolve("ci"))) {
      return s.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm lint --strict} with the chart's defaults overlaid by {@code values} (what {@code
   * helm lint -f values} does). helm-java's lint takes no values file, so the merged values are
   * written as the {@code values.yaml} of a copy of the chart.
   */
  static LintResult lint(Optional<Path> values) {
    Path copy = copyChart();
    try {
      if (values.isPresent()) {
        JsonNode merged = merge(readYaml(DIR.resolve("values.yaml")), readYaml(values.get()));
        Files.writeString(copy.resolve("values.yaml"), YAML.writeValueAsString(merged), StandardCharsets.UTF_8);
      }
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(copy);
    }
  }

  /** {@code helm template metallb -n metallb-system} with the given values files and --set pairs. */
  static String template(List<Path> valuesFiles, Map<String, Object> sets) {
    TemplateCommand t = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
    for (Path f : valuesFiles) {
      t = t.withValuesFile(f);
    }
    for (Map.Entry<String, Object> e : sets.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    return t.call();
  }

  /** The rendered objects, one per YAML document (empty documents left out). */
  static Manifests render(List<Path> valuesFiles, Map<String, Object> sets) {
    return new Manifests(parseAll(template(valuesFiles, sets)));
  }

  static Manifests render() {
    return render(List.of(), Map.of());
  }

  static List<JsonNode> parseAll(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  static JsonNode readYaml(Path file) {
    return YAML.readTree(file.toFile());
  }

  /** Helm's coalescing: maps merge key by key, anything else in {@code over} replaces; null deletes. */
  static JsonNode merge(JsonNode base, JsonNode over) {
    if (!(base instanceof ObjectNode b) || !over.isObject()) {
      return over.deepCopy();
    }
    ObjectNode out = b.deepCopy();
    for (Map.Entry<String, JsonNode> e : over.properties()) {
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else if (out.has(e.getKey())) {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  /** A temporary file holding {@code yaml}, for bad-values tests. */
  static Path valuesFile(Path dir, String name, String yaml) {
    try {
      return Files.writeString(dir.resolve(name), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copyChart() {
    try {
      Path target = Files.createTempDirectory("herald-chart-").resolve("herald");
      try (Stream<Path> s = Files.walk(DIR)) {
        for (Path p : s.toList()) {
          Path to = target.resolve(DIR.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path chartCopy) {
    Path root = chartCopy.getParent();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
