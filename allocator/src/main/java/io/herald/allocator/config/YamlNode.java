package io.herald.allocator.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML value with the line it starts on, so that every configuration error can point at its
 * line. Built by {@link YamlReader} from Jackson's streaming parser.
 */
public sealed interface YamlNode {

  /** 1-based line of the value's first token. */
  int line();

  /** Human name of the node's type, for "expected X" messages. */
  String typeName();

  /** A scalar; {@code kind} tells how YAML typed it (quoted "80" is a STRING). */
  record Scalar(String text, ScalarKind kind, int line) implements YamlNode {
    public String typeName() {
      return switch (kind) {
        case STRING -> "a string";
        case INTEGER -> "an integer";
        case FLOAT -> "a number";
        case BOOLEAN -> "a boolean";
        case NULL -> "null";
      };
    }
  }

  enum ScalarKind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

  /** One {@code key: value} pair with the key's own line. */
  record Entry(String key, int keyLine, YamlNode value) {}

  /** Keys keep their order; a repeated key is kept in {@code duplicates} for reporting. */
  record Mapping(Map<String, Entry> entries, List<Entry> duplicates, int line) implements YamlNode {
    public Mapping {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
      duplicates = List.copyOf(duplicates);
    }

    public Optional<Entry> entry(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    public String typeName() {
      return "a mapping";
    }
  }

  record Sequence(List<YamlNode> items, int line) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    public String typeName() {
      return "a list";
    }
  }
}
