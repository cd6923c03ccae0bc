package io.herald.deploy;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Rendered Kubernetes objects, looked up by kind. */
record Manifests(List<JsonNode> objects) {

  Manifests {
    objects = List.copyOf(objects);
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asString())).toList();
  }

  Optional<JsonNode> find(String kind) {
    List<JsonNode> all = ofKind(kind);
    if (all.size() > 1) {
      throw new IllegalStateException("more than one " + kind + ": " + all.size());
    }
    return all.stream().findFirst();
  }

  /** The only object of this kind; fails the test if there is none or several. */
  JsonNode one(String kind) {
    return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }
}
