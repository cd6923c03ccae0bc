package io.herald.node.k8s;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.Annotations;
import io.herald.allocator.pool.IpFamilyPolicy;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.allocator.pool.TrafficPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Service object as the allocator sees it: the Kubernetes-free {@link ServiceRequest}. Pure:
 * reads only the object given.
 */
public final class ServiceRequests {

  private static final String POOL_ANNOTATION = Annotations.PREFIX + Annotations.IP_ALLOCATED_FROM_POOL;
  private static final String DEPRECATED_POOL_ANNOTATION =
      Annotations.DEPRECATED_PREFIX + Annotations.IP_ALLOCATED_FROM_POOL;

  private ServiceRequests() {}

  public static ServiceKey key(Service svc) {
    return new ServiceKey(svc.getMetadata().getNamespace(), svc.getMetadata().getName());
  }

  public static ServiceKey key(io.herald.k8s.model.ServiceKey k) {
    return new ServiceKey(k.namespace(), k.name());
  }

  public static io.herald.k8s.model.ServiceKey watcherKey(ServiceKey k) {
    return new io.herald.k8s.model.ServiceKey(k.namespace(), k.name());
  }

  /** Whether the allocator should hold addresses for this Service ({@code spec.type: LoadBalancer}). */
  public static boolean isLoadBalancer(Service svc) {
    return svc.getSpec() != null && "LoadBalancer".equals(svc.getSpec().getType());
  }

  /**
   * The request for {@code svc}; {@code namespaceLabels} are its namespace's labels (pools may
   * select namespaces).
   */
  public static ServiceRequest of(Service svc, Map<String, String> namespaceLabels) {
    ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
    var meta = svc.getMetadata();
    // spec.loadBalancerIP is deprecated but still honoured by MetalLB; the allocator also reads
    // the metallb.io/loadBalancerIPs annotation from the annotations given here.
    String lbIp = spec.getLoadBalancerIP() == null ? "" : spec.getLoadBalancerIP();
    List<IpFamily> families = new ArrayList<>();
    for (String f : orEmpty(spec.getIpFamilies())) {
      switch (f) {
        case "IPv4" -> families.add(IpFamily.IPV4);
        case "IPv6" -> families.add(IpFamily.IPV6);
        default -> { }
      }
    }
    List<ServicePort> ports = new ArrayList<>();
    for (var p : orEmpty(spec.getPorts())) {
      if (p.getPort() == null) continue;
      ServicePort.Protocol proto = switch (p.getProtocol() == null ? "TCP" : p.getProtocol()) {
        case "UDP" -> ServicePort.Protocol.UDP;
        case "SCTP" -> ServicePort.Protocol.SCTP;
        default -> ServicePort.Protocol.TCP;
      };
      ports.add(new ServicePort(proto, p.getPort()));
    }
    List<IpAddress> status = new ArrayList<>();
    if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null) {
      for (LoadBalancerIngress in : orEmpty(svc.getStatus().getLoadBalancer().getIngress())) {
        if (in.getIp() != null) IpAddress.parse(in.getIp()).ifPresent(status::add);
      }
    }
    return new ServiceRequest(key(svc), orEmpty(meta.getLabels()), namespaceLabels, orEmpty(meta.getAnnotations()),
        Optional.ofNullable(spec.getLoadBalancerClass()), lbIp, families, familyPolicy(spec.getIpFamilyPolicy()),
        ports, "Local".equals(spec.getExternalTrafficPolicy()) ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER,
        orEmpty(spec.getSelector()), status);
  }

  /**
   * What the allocator decides on for a Service that already holds addresses: {@code request}
   * without its status addresses (the allocator keeps what it holds and reads the status only for
   * a Service it holds nothing for) and without the {@code ip-allocated-from-pool} annotation
   * (written by the controller itself, read by no allocation rule). Two requests with equal inputs
   * get the same answer from an allocator whose pools and holdings are unchanged.
   */
  public static ServiceRequest allocatorInputs(ServiceRequest request) {
    Map<String, String> annotations = request.annotations();
    if (annotations.containsKey(POOL_ANNOTATION) || annotations.containsKey(DEPRECATED_POOL_ANNOTATION)) {
      annotations = new java.util.HashMap<>(annotations);
      annotations.remove(POOL_ANNOTATION);
      annotations.remove(DEPRECATED_POOL_ANNOTATION);
    }
    if (annotations == request.annotations() && request.statusIps().isEmpty()) return request;
    return new ServiceRequest(request.key(), request.labels(), request.namespaceLabels(), annotations,
        request.loadBalancerClass(), request.loadBalancerIP(), request.ipFamilies(), request.ipFamilyPolicy(),
        request.ports(), request.externalTrafficPolicy(), request.selector(), List.of());
  }

  static IpFamilyPolicy familyPolicy(String text) {
    if (text == null) return IpFamilyPolicy.SINGLE_STACK;
    return switch (text) {
      case "PreferDualStack" -> IpFamilyPolicy.PREFER_DUAL_STACK;
      case "RequireDualStack" -> IpFamilyPolicy.REQUIRE_DUAL_STACK;
      default -> IpFamilyPolicy.SINGLE_STACK;
    };
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
