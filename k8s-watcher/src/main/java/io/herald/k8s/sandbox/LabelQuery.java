package io.herald.k8s.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code labelSelector} query parameter of a list or watch, in the API server's text form:
 * {@code a=b}, {@code a==b}, {@code a!=b}, {@code a}, {@code !a}, {@code a in (x,y)},
 * {@code a notin (x,y)}, joined by commas (all must hold). {@code a!=b} and {@code notin} also
 * match objects without the label, as on the API server.
 */
record LabelQuery(List<Requirement> requirements) {

  enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  record Requirement(String key, Op op, Set<String> values) {}

  LabelQuery {
    requirements = List.copyOf(requirements);
  }

  /** Parses the URL-encoded value of a {@code labelSelector} parameter. */
  static LabelQuery parse(String encoded) {
    String text = URLDecoder.decode(encoded, StandardCharsets.UTF_8).trim();
    List<Requirement> out = new ArrayList<>();
    for (String part : splitTopLevel(text)) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      out.add(requirement(p));
    }
    return new LabelQuery(out);
  }

  private static Requirement requirement(String p) {
    String[] words = p.split("\\s+", 3);
    if (words.length == 3 && (words[1].equals("in") || words[1].equals("notin"))) {
      String set = words[2].trim();
      if (!set.startsWith("(") || !set.endsWith(")")) throw new IllegalArgumentException("invalid label selector: " + p);
      Set<String> values = Set.copyOf(
          List.of(set.substring(1, set.length() - 1).split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
      return new Requirement(words[0], words[1].equals("in") ? Op.IN : Op.NOT_IN, values);
    }
    int ne = p.indexOf("!=");
    if (ne > 0) return new Requirement(p.substring(0, ne).trim(), Op.NOT_EQUALS, Set.of(p.substring(ne + 2).trim()));
    int eq = p.indexOf("==");
    if (eq > 0) return new Requirement(p.substring(0, eq).trim(), Op.EQUALS, Set.of(p.substring(eq + 2).trim()));
    eq = p.indexOf('=');
    if (eq > 0) return new Requirement(p.substring(0, eq).trim(), Op.EQUALS, Set.of(p.substring(eq + 1).trim()));
    if (p.startsWith("!")) return new Requirement(p.substring(1).trim(), Op.DOES_NOT_EXIST, Set.of());
    if (p.matches("[A-Za-z0-9./_-]+")) return new Requirement(p, Op.EXISTS, Set.of());
    throw new IllegalArgumentException("invalid label selector: " + p);
  }

  /** Splits on commas outside parentheses: {@code a in (x,y),b} is two requirements. */
  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') depth++;
      else if (c == ')') depth--;
      else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  boolean matches(JsonNode object) {
    JsonNode labels = object.path("metadata").path("labels");
    for (Requirement r : requirements) {
      JsonNode v = labels.get(r.key());
      String value = v == null || v.isNull() ? null : v.asString();
      boolean ok = switch (r.op()) {
        case EQUALS, IN -> value != null && r.values().contains(value);
        case NOT_EQUALS, NOT_IN -> value == null || !r.values().contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
      if (!ok) return false;
    }
    return true;
  }
}
