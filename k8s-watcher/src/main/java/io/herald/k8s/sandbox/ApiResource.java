package io.herald.k8s.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * One resource type the sandbox API serves, as Kubernetes discovery describes it
 * ({@code APIResource} in {@code /api/v1} or {@code /apis/GROUP/VERSION}).
 *
 * @param group the API group, empty for the core group
 * @param version the group version, e.g. {@code v1}
 * @param plural the resource name in URLs, e.g. {@code services}
 * @param kind the object kind, e.g. {@code Service}
 * @param namespaced whether objects live in a namespace
 * @param shortNames kubectl short names, e.g. {@code svc}
 * @param hasStatus whether a {@code status} subresource exists
 */
public record ApiResource(
    String group,
    String version,
    String plural,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    boolean hasStatus) {

  public ApiResource {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(kind, "kind");
    shortNames = List.copyOf(shortNames);
  }

  /**
   * Over group, version and plural only, which equal resources share: the store looks a resource
   * up on every request, and the record's own hash would walk {@code shortNames} each time.
   */
  @Override
  public int hashCode() {
    return (31 * group.hashCode() + version.hashCode()) * 31 + plural.hashCode();
  }

  /** {@code v1} for the core group, {@code group/version} otherwise (the {@code apiVersion} field). */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The discovery path that lists this resource: {@code /api/v1} or {@code /apis/GROUP/VERSION}. */
  public String discoveryPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }
}
