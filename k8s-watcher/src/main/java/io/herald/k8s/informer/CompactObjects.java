package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Shrinks a decoded Service, EndpointSlice or Node to what Herald reads of it, before an informer
 * caches it. With 10,000 Services most of a node's heap is these caches: every fabric8 model
 * object, down to a port or a condition, carries its own {@code additionalProperties} map, and
 * every string (namespace, label keys, {@code "TCP"}, a node name) is a separate copy per object.
 *
 * <p>What stays is what {@code Views}, the allocation controller ({@code ServiceRequests}) and
 * the slice index read, plus what fabric8's informer reads of cached objects ({@code
 * metadata.name}, {@code namespace} and {@code resourceVersion}):
 *
 * <ul>
 *   <li>Service: metadata name, namespace, uid, resourceVersion, deletionTimestamp, labels,
 *       annotations (without kubectl's last-applied copy); spec type, loadBalancerClass,
 *       loadBalancerIP, externalTrafficPolicy, ipFamilies, ipFamilyPolicy, selector, ports (port
 *       and protocol); status.loadBalancer.ingress (ip, ipMode).
 *   <li>EndpointSlice: metadata name, namespace, resourceVersion, deletionTimestamp, labels;
 *       addressType; endpoints (addresses, nodeName, conditions ready/serving/terminating).
 *   <li>Node: metadata name, uid, resourceVersion, deletionTimestamp, labels; status.conditions
 *       (type and status).
 * </ul>
 *
 * Everything else is set to null; every remaining model object's {@code additionalProperties}
 * becomes the one shared empty map; labels, annotations and lists become immutable copies
 * without null keys, values or elements; strings that repeat across objects are interned.
 *
 * <p>The object is changed in place, not copied: fabric8's cache indexes, and its event handlers
 * are given, the object it passed to the item store, not the one the store returns, so only an
 * in-place change gives every index, handler and reader the one compact instance. It is the object
 * the informer has just decoded and no one else holds yet. A copy would also cost more: each new
 * fabric8 model object allocates its own empty collections. Compacting is idempotent.
 */
final class CompactObjects {

  /** Annotation values up to this length are interned: pool names, sharing keys, IP lists. */
  static final int SHORT_VALUE = 64;

  private CompactObjects() {}

  /** Compacts a Service, EndpointSlice or Node; other objects only lose what {@link LeanItemStore#trim} drops. */
  static <T extends HasMetadata> T compact(T obj) {
    if (obj instanceof Service s) {
      service(s);
    } else if (obj instanceof EndpointSlice s) {
      slice(s);
    } else if (obj instanceof Node n) {
      node(n);
    } else {
      LeanItemStore.trim(obj);
    }
    return obj;
  }

  /** Keeps what Herald and the informer read of a Service; returns {@code svc}, compacted in place. */
  static Service service(Service svc) {
    svc.setApiVersion(intern(svc.getApiVersion()));
    svc.setKind(intern(svc.getKind()));
    svc.setAdditionalProperties(Map.of());
    // The Service's name is also its EndpointSlices' kubernetes.io/service-name label value and
    // often its "app" label: interned, it is one string for all of them.
    svc.setMetadata(metadata(svc.getMetadata(), true, true));
    ServiceSpec spec = svc.getSpec();
    if (spec != null) {
      spec.setType(intern(spec.getType()));
      spec.setLoadBalancerClass(intern(spec.getLoadBalancerClass()));
      spec.setExternalTrafficPolicy(intern(spec.getExternalTrafficPolicy()));
      spec.setIpFamilies(list(spec.getIpFamilies(), CompactObjects::intern));
      spec.setIpFamilyPolicy(intern(spec.getIpFamilyPolicy()));
      spec.setSelector(map(spec.getSelector(), Integer.MAX_VALUE));
      spec.setPorts(list(spec.getPorts(), CompactObjects::port));
      // spec.loadBalancerIP (deprecated, still honoured) is kept as it is: an address, not shared.
      spec.setAllocateLoadBalancerNodePorts(null);
      spec.setClusterIP(null);
      spec.setClusterIPs(null);
      spec.setExternalIPs(null);
      spec.setExternalName(null);
      spec.setHealthCheckNodePort(null);
      spec.setInternalTrafficPolicy(null);
      spec.setLoadBalancerSourceRanges(null);
      spec.setPublishNotReadyAddresses(null);
      spec.setSessionAffinity(null);
      spec.setSessionAffinityConfig(null);
      spec.setTrafficDistribution(null);
      spec.setAdditionalProperties(Map.of());
    }
    ServiceStatus status = svc.getStatus();
    if (status != null) {
      status.setConditions(null);
      status.setAdditionalProperties(Map.of());
      LoadBalancerStatus lb = status.getLoadBalancer();
      if (lb != null) {
        lb.setIngress(list(lb.getIngress(), CompactObjects::ingress));
        lb.setAdditionalProperties(Map.of());
      }
    }
    return svc;
  }

  private static ServicePort port(ServicePort p) {
    p.setProtocol(intern(p.getProtocol()));
    p.setAppProtocol(null);
    p.setName(null);
    p.setNodePort(null);
    p.setTargetPort(null);
    p.setAdditionalProperties(Map.of());
    return p;
  }

  private static LoadBalancerIngress ingress(LoadBalancerIngress in) {
    in.setIpMode(intern(in.getIpMode()));
    in.setHostname(null);
    in.setPorts(null);
    in.setAdditionalProperties(Map.of());
    return in;
  }

  /** Keeps what Herald and the informer read of an EndpointSlice; returns {@code slice}, compacted in place. */
  static EndpointSlice slice(EndpointSlice slice) {
    slice.setApiVersion(intern(slice.getApiVersion()));
    slice.setKind(intern(slice.getKind()));
    slice.setAdditionalProperties(Map.of());
    // A slice's name is unique (the Service's name and a random suffix): not interned. Its
    // annotations (endpoints.kubernetes.io/last-change-trigger-time, a timestamp per slice) are
    // read by no one.
    slice.setMetadata(metadata(slice.getMetadata(), false, false));
    // Nothing reads a slice's uid (Events name Services, not slices).
    if (slice.getMetadata() != null) slice.getMetadata().setUid(null);
    slice.setAddressType(intern(slice.getAddressType()));
    slice.setEndpoints(list(slice.getEndpoints(), CompactObjects::endpoint));
    slice.setPorts(null);
    return slice;
  }

  private static Endpoint endpoint(Endpoint e) {
    e.setAddresses(list(e.getAddresses(), UnaryOperator.identity()));
    e.setNodeName(intern(e.getNodeName()));
    EndpointConditions c = e.getConditions();
    if (c != null) c.setAdditionalProperties(Map.of());
    e.setDeprecatedTopology(null);
    e.setHints(null);
    e.setHostname(null);
    e.setTargetRef(null);
    e.setZone(null);
    e.setAdditionalProperties(Map.of());
    return e;
  }

  /** Keeps what Herald and the informer read of a Node; returns {@code node}, compacted in place. */
  static Node node(Node node) {
    node.setApiVersion(intern(node.getApiVersion()));
    node.setKind(intern(node.getKind()));
    node.setAdditionalProperties(Map.of());
    // The node's name is every endpoint's nodeName: interned, one string for all.
    node.setMetadata(metadata(node.getMetadata(), false, true));
    node.setSpec(null);
    NodeStatus status = node.getStatus();
    if (status != null) {
      status.setConditions(list(status.getConditions(), CompactObjects::condition));
      // status.images alone lists every image on the node, often hundreds of names.
      status.setAddresses(null);
      status.setAllocatable(null);
      status.setCapacity(null);
      status.setConfig(null);
      status.setDaemonEndpoints(null);
      status.setDeclaredFeatures(null);
      status.setFeatures(null);
      status.setImages(null);
      status.setNodeInfo(null);
      status.setPhase(null);
      status.setRuntimeHandlers(null);
      status.setVolumesAttached(null);
      status.setVolumesInUse(null);
      status.setAdditionalProperties(Map.of());
    }
    return node;
  }

  private static NodeCondition condition(NodeCondition c) {
    c.setType(intern(c.getType()));
    c.setStatus(intern(c.getStatus()));
    c.setLastHeartbeatTime(null);
    c.setLastTransitionTime(null);
    c.setMessage(null);
    c.setReason(null);
    c.setAdditionalProperties(Map.of());
    return c;
  }

  /**
   * The metadata Herald and the informer read, in the same ObjectMeta. {@code name} is interned
   * when other objects repeat it; annotations are kept (minus kubectl's last-applied copy) only
   * when asked for.
   */
  private static ObjectMeta metadata(ObjectMeta meta, boolean keepAnnotations, boolean internName) {
    if (meta == null) return null;
    if (internName) meta.setName(intern(meta.getName()));
    meta.setNamespace(intern(meta.getNamespace()));
    // uid and resourceVersion are unique per object: interning would only fill the string table.
    meta.setLabels(map(meta.getLabels(), Integer.MAX_VALUE));
    if (keepAnnotations) {
      Map<String, String> annotations = meta.getAnnotations();
      if (annotations != null && annotations.containsKey(LeanItemStore.LAST_APPLIED)) {
        annotations = new HashMap<>(annotations);
        annotations.remove(LeanItemStore.LAST_APPLIED);
      }
      meta.setAnnotations(map(annotations, SHORT_VALUE));
    } else {
      meta.setAnnotations(null);
    }
    meta.setCreationTimestamp(null);
    meta.setDeletionGracePeriodSeconds(null);
    meta.setFinalizers(null);
    meta.setGenerateName(null);
    meta.setGeneration(null);
    meta.setManagedFields(null);
    meta.setOwnerReferences(null);
    meta.setSelfLink(null);
    meta.setAdditionalProperties(Map.of());
    return meta;
  }

  /**
   * An immutable copy without null keys or values, keys interned and values up to {@code
   * internUpTo} characters interned (label values are at most 63 characters by validation).
   */
  static Map<String, String> map(Map<String, String> m, int internUpTo) {
    if (m == null || m.isEmpty()) return Map.of();
    List<Map.Entry<String, String>> kept = new ArrayList<>(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (k == null || v == null) continue;
      kept.add(Map.entry(k.intern(), v.length() <= internUpTo ? v.intern() : v));
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries = kept.toArray(new Map.Entry[0]);
    return Map.ofEntries(entries);
  }

  /** An immutable copy without null elements, each passed through {@code each}. */
  static <E> List<E> list(List<E> l, UnaryOperator<E> each) {
    if (l == null || l.isEmpty()) return List.of();
    List<E> kept = new ArrayList<>(l.size());
    for (E e : l) {
      if (e != null) kept.add(each.apply(e));
    }
    return List.copyOf(kept);
  }

  private static String intern(String s) {
    return s == null ? null : s.intern();
  }
}
