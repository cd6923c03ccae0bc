package io.herald.allocator.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads a (multi-document) YAML text into {@link YamlNode} trees that remember their lines. */
public final class YamlReader {
  private static final YAMLMapper MAPPER = new YAMLMapper();

  private YamlReader() {}

  /** The documents, or the first syntax error. */
  public sealed interface Parsed permits Parsed.Documents, Parsed.SyntaxError {
    record Documents(List<YamlNode> documents) implements Parsed {
      public Documents {
        documents = List.copyOf(documents);
      }
    }

    record SyntaxError(int line, String message) implements Parsed {}
  }

  /**
   * @param lineOffset added to every line: used for a config embedded as a block string in a
   *     Helm values file, whose line 1 is the line after {@code configInline: |}.
   */
  public static Parsed read(String text, int lineOffset) {
    List<YamlNode> docs = new ArrayList<>();
    try (JsonParser p = MAPPER.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        docs.add(node(p, t, lineOffset));
      }
      return new Parsed.Documents(docs);
    } catch (JacksonException e) {
      TokenStreamLocation loc = e.getLocation();
      int line = loc == null ? lineOffset + 1 : Math.max(1, loc.getLineNr()) + lineOffset;
      String msg = e.getOriginalMessage();
      int nl = msg.indexOf('\n');
      return new Parsed.SyntaxError(line, (nl < 0 ? msg : msg.substring(0, nl)).trim());
    }
  }

  private static int line(JsonParser p, int offset) {
    return p.currentTokenLocation().getLineNr() + offset;
  }

  private static YamlNode node(JsonParser p, JsonToken t, int offset) {
    int line = line(p, offset);
    switch (t) {
      case START_OBJECT -> {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        List<YamlNode.Entry> dups = new ArrayList<>();
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.PROPERTY_NAME) {
          String key = p.currentName();
          int keyLine = line(p, offset);
          YamlNode value = node(p, p.nextToken(), offset);
          YamlNode.Entry e = new YamlNode.Entry(key, keyLine, value);
          if (entries.putIfAbsent(key, e) != null) {
            dups.add(e);
          }
        }
        return new YamlNode.Mapping(entries, dups, line);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        JsonToken i;
        while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
          items.add(node(p, i, offset));
        }
        return new YamlNode.Sequence(items, line);
      }
      case VALUE_STRING -> {
        return new YamlNode.Scalar(p.getString(), YamlNode.ScalarKind.STRING, line);
      }
      case VALUE_NUMBER_INT -> {
        return new YamlNode.Scalar(p.getString(), YamlNode.ScalarKind.INTEGER, line);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new YamlNode.Scalar(p.getString(), YamlNode.ScalarKind.FLOAT, line);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new YamlNode.Scalar(p.getString(), YamlNode.ScalarKind.BOOLEAN, line);
      }
      case VALUE_NULL -> {
        return new YamlNode.Scalar("", YamlNode.ScalarKind.NULL, line);
      }
      default -> throw new IllegalStateException("unexpected token " + t + " at line " + line);
    }
  }
}
