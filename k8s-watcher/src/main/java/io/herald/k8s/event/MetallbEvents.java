package io.herald.k8s.event;

import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ObjectRef;
import io.herald.k8s.model.ServiceKey;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MetalLB's Service events, with its reasons and message formats, so existing runbooks and
 * alerts keep matching. Sources default to MetalLB's component names.
 */
public final class MetallbEvents {

  public static final String SPEAKER = "metallb-speaker";
  public static final String CONTROLLER = "metallb-controller";

  private MetallbEvents() {}

  /** {@code nodeAssigned}: {@code announcing from node "NAME"} (MetalLB's message before v0.13). */
  public static EventSpec nodeAssigned(ObjectRef svc, String node, String component) {
    return new EventSpec(svc, EventSpec.Type.NORMAL, "nodeAssigned", "announcing from node " + quote(node), component);
  }

  /** {@code nodeAssigned} with the protocol, as MetalLB since v0.13. */
  public static EventSpec nodeAssigned(ObjectRef svc, String node, AnnounceProtocol protocol, String component) {
    return new EventSpec(svc, EventSpec.Type.NORMAL, "nodeAssigned",
        "announcing from node " + quote(node) + " with protocol " + quote(protocol.token()), component);
  }

  /** {@code IPAllocated}: {@code Assigned IP ["192.0.2.10" "2001:db8::1"]} (Go {@code %q} of a slice). */
  public static EventSpec ipAllocated(ObjectRef svc, List<String> ips, String component) {
    return new EventSpec(svc, EventSpec.Type.NORMAL, "IPAllocated",
        "Assigned IP [" + ips.stream().map(MetallbEvents::quote).collect(Collectors.joining(" ")) + "]", component);
  }

  /** {@code AllocationFailed} (Warning): {@code Failed to allocate IP for "ns/name": ERR}. */
  public static EventSpec allocationFailed(ObjectRef svc, String error, String component) {
    return new EventSpec(svc, EventSpec.Type.WARNING, "AllocationFailed",
        "Failed to allocate IP for " + quote(key(svc).toString()) + ": " + error, component);
  }

  /** {@code ClearAssignment}: the current IP is no longer allowed and will be replaced. */
  public static EventSpec clearAssignment(ObjectRef svc, String error, String component) {
    return new EventSpec(svc, EventSpec.Type.NORMAL, "ClearAssignment",
        "current IP for " + quote(key(svc).toString()) + " not allowed by config, will attempt for new IP assignment: " + error,
        component);
  }

  /** {@code deprecatedAnnotation} (Warning) for a {@code metallb.universe.tf/} annotation. */
  public static EventSpec deprecatedAnnotation(ObjectRef svc, String annotation, String component) {
    return new EventSpec(svc, EventSpec.Type.WARNING, "deprecatedAnnotation",
        "Service uses deprecated annotation " + annotation, component);
  }

  /**
   * {@code InvalidConfig} (Warning) on a configuration object the validation rejected. MetalLB
   * reports such errors only in logs and its ConfigurationState; the Event puts them where
   * {@code kubectl describe} of the object shows them.
   *
   * @param kept whether an earlier valid configuration stays in force
   */
  public static EventSpec invalidConfig(ObjectRef object, String error, boolean kept, String component) {
    String effect = kept ? "configuration rejected, the last valid one stays in force: " : "configuration rejected: ";
    return new EventSpec(object, EventSpec.Type.WARNING, "InvalidConfig", effect + error, component);
  }

  private static ServiceKey key(ObjectRef r) {
    return new ServiceKey(r.namespace(), r.name());
  }

  /** Go's {@code %q} for the plain strings used here: double quotes, backslash and quote escaped. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
