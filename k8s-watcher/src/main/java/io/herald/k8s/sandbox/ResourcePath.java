package io.herald.k8s.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request path split into the parts of the Kubernetes REST layout:
 * {@code /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]} and the same under {@code /apis/GROUP/VERSION}.
 *
 * @param resource the served type
 * @param namespace the namespace, or {@code null} for cluster-wide paths
 * @param name the object name, or {@code null} for a collection
 * @param subresource e.g. {@code status}, or {@code null}
 */
record ResourcePath(ApiResource resource, String namespace, String name, String subresource) {

  boolean isCollection() {
    return name == null;
  }

  /** Parses a path without its query string; empty when it is not a served resource path. */
  static Optional<ResourcePath> parse(String rawPath) {
    List<String> segs = new ArrayList<>(8);
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) segs.add(s);
    }
    String group;
    String version;
    int i;
    if (segs.size() >= 2 && segs.get(0).equals("api")) {
      group = "";
      version = segs.get(1);
      i = 2;
    } else if (segs.size() >= 3 && segs.get(0).equals("apis")) {
      group = segs.get(1);
      version = segs.get(2);
      i = 3;
    } else {
      return Optional.empty();
    }
    List<String> rest = segs.subList(i, segs.size());
    // "namespaces/NS/PLURAL..." is a namespaced path unless PLURAL is a subresource of the
    // Namespace itself ("namespaces/NS/status").
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      Optional<ApiResource> r = ApiResources.find(group, version, rest.get(2));
      if (r.isPresent() && r.get().namespaced()) {
        return Optional.of(of(r.get(), rest.get(1), rest.subList(3, rest.size())));
      }
    }
    if (rest.isEmpty()) return Optional.empty();
    return ApiResources.find(group, version, rest.get(0))
        .map(r -> of(r, null, rest.subList(1, rest.size())));
  }

  private static ResourcePath of(ApiResource r, String namespace, List<String> tail) {
    String name = tail.isEmpty() ? null : tail.get(0);
    String sub = tail.size() > 1 ? tail.get(1) : null;
    return new ResourcePath(r, namespace, name, sub);
  }
}
