package io.herald.k8s.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A Kubernetes field selector ({@code involvedObject.name=web,type!=Normal}) evaluated against the
 * JSON of an object. The fabric8 CRUD mock only understands {@code metadata.name} and
 * {@code metadata.namespace} and answers an empty list for anything else, which would leave the
 * Events section of {@code kubectl describe} empty; the sandbox filters lists itself.
 */
record FieldSelector(List<Term> terms) {

  record Term(String path, boolean equal, String value) {}

  FieldSelector {
    terms = List.copyOf(terms);
  }

  /** Parses the URL-encoded value of a {@code fieldSelector} query parameter. */
  static FieldSelector parse(String encoded) {
    String text = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    List<Term> terms = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) continue;
      int ne = part.indexOf("!=");
      if (ne >= 0) {
        terms.add(new Term(part.substring(0, ne).trim(), false, part.substring(ne + 2).trim()));
        continue;
      }
      int eq = part.indexOf("==");
      int len = 2;
      if (eq < 0) {
        eq = part.indexOf('=');
        len = 1;
      }
      if (eq < 0) throw new IllegalArgumentException("invalid field selector term: " + part);
      terms.add(new Term(part.substring(0, eq).trim(), true, part.substring(eq + len).trim()));
    }
    return new FieldSelector(terms);
  }

  boolean matches(JsonNode object) {
    for (Term t : terms) {
      JsonNode node = object;
      for (String seg : t.path().split("\\.")) node = node.path(seg);
      // A missing field compares as the empty string, as the API server does for unset strings.
      String actual = node.isMissingNode() || node.isNull() ? "" : node.asString();
      if (actual.equals(t.value()) != t.equal()) return false;
    }
    return true;
  }
}
