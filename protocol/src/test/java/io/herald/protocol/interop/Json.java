package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small strict JSON (RFC 8259) reader for the routers' JSON output. Objects become
 * {@code Map<String, Object>} in key order, arrays {@code List<Object>}, integers {@code Long},
 * other numbers {@code Double}, plus {@code String}, {@code Boolean} and {@code null}. The test
 * classpath of this module has no JSON library, and these outputs need nothing more.
 */
public final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses exactly one JSON value (surrounding white space allowed). */
  public static Object parse(String text) {
    Json p = new Json(text);
    Object v = p.value();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("trailing text");
    }
    return v;
  }

  /** Parses a sequence of JSON values written one after the other (e.g. several vtysh -c outputs). */
  public static List<Object> parseAll(String text) {
    Json p = new Json(text);
    List<Object> out = new ArrayList<>();
    p.skipSpace();
    while (p.pos < text.length()) {
      out.add(p.value());
      p.skipSpace();
    }
    return out;
  }

  /** The object at {@code keys} below {@code root}, or empty when any step is missing or not an object. */
  public static Optional<Object> at(Object root, String... keys) {
    Object cur = root;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m) || !m.containsKey(k)) {
        return Optional.empty();
      }
      cur = m.get(k);
    }
    return Optional.ofNullable(cur);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object v) {
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    return Map.of();
  }

  @SuppressWarnings("unchecked")
  public static List<Object> array(Object v) {
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    return List.of();
  }

  /** A number as long, or null when {@code v} is not a number. */
  public static Long number(Object v) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d) {
      return d.longValue();
    }
    return null;
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> objectValue();
      case '[' -> arrayValue();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> numberValue();
    };
  }

  private Map<String, Object> objectValue() {
    pos++;
    Map<String, Object> m = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(m);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a key");
      }
      String key = string();
      skipSpace();
      expect(':');
      m.put(key, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return Collections.unmodifiableMap(m);
      }
      if (c != ',') {
        throw error("expected , or }");
      }
    }
  }

  private List<Object> arrayValue() {
    pos++;
    List<Object> l = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(l);
    }
    while (true) {
      l.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(l);
      }
      if (c != ',') {
        throw error("expected , or ]");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("short \\u escape");
            }
            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      } else if (c < 0x20) {
        throw error("control character in string");
      } else {
        sb.append(c);
      }
    }
  }

  private Object numberValue() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    boolean integral = true;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String n = text.substring(start, pos);
    if (n.isEmpty() || n.equals("-")) {
      throw error("unexpected character");
    }
    try {
      return integral ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
    } catch (NumberFormatException e) {
      throw error("bad number " + n);
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected token");
    }
    pos += word.length();
    return value;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos++);
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw error("expected " + c);
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON: " + what + " at offset " + pos);
  }
}
