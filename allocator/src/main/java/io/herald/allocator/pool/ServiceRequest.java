package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the allocator needs to know about one LoadBalancer Service: a Kubernetes-free copy built by
 * the watcher. {@code ipFamilies} follows {@code spec.clusterIPs} (primary family first);
 * {@code statusIps} are the addresses already in {@code status.loadBalancer.ingress}, which the
 * allocator keeps after a restart as long as they stay valid.
 */
public record ServiceRequest(
    ServiceKey key,
    Map<String, String> labels,
    Map<String, String> namespaceLabels,
    Map<String, String> annotations,
    Optional<String> loadBalancerClass,
    String loadBalancerIP,
    List<IpFamily> ipFamilies,
    IpFamilyPolicy ipFamilyPolicy,
    List<ServicePort> ports,
    TrafficPolicy externalTrafficPolicy,
    Map<String, String> selector,
    List<IpAddress> statusIps) {

  public ServiceRequest {
    Objects.requireNonNull(key);
    labels = Map.copyOf(labels);
    namespaceLabels = Map.copyOf(namespaceLabels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(loadBalancerClass);
    Objects.requireNonNull(loadBalancerIP);
    ipFamilies = ipFamilies.isEmpty() ? List.of(IpFamily.IPV4) : List.copyOf(ipFamilies);
    Objects.requireNonNull(ipFamilyPolicy);
    ports = List.copyOf(ports);
    Objects.requireNonNull(externalTrafficPolicy);
    selector = Map.copyOf(selector);
    statusIps = List.copyOf(statusIps);
  }

  public static Builder builder(String namespace, String name) {
    return new Builder(new ServiceKey(namespace, name));
  }

  public Builder toBuilder() {
    Builder b = new Builder(key);
    b.labels.putAll(labels);
    b.namespaceLabels.putAll(namespaceLabels);
    b.annotations.putAll(annotations);
    b.loadBalancerClass = loadBalancerClass;
    b.loadBalancerIP = loadBalancerIP;
    b.ipFamilies = ipFamilies;
    b.ipFamilyPolicy = ipFamilyPolicy;
    b.ports.addAll(ports);
    b.externalTrafficPolicy = externalTrafficPolicy;
    b.selector.putAll(selector);
    b.statusIps = statusIps;
    return b;
  }

  /** The sharing key this Service asks for, with the backend key its traffic policy implies. */
  public SharingKey sharingKey() {
    String sharing = Annotations.get(annotations, Annotations.ALLOW_SHARED_IP).orElse("");
    String backend = externalTrafficPolicy == TrafficPolicy.LOCAL ? SharingKey.selectorString(selector) : "";
    // Most Services share nothing; their allocations all keep this one instance.
    return sharing.isEmpty() && backend.isEmpty() ? SharingKey.NONE : new SharingKey(sharing, backend);
  }

  public IpFamily primaryFamily() {
    return ipFamilies.get(0);
  }

  /** Mutable builder; defaults are a single-stack IPv4, ETP=Cluster Service with no ports. */
  public static final class Builder {
    private final ServiceKey key;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> namespaceLabels = new HashMap<>();
    private final Map<String, String> annotations = new HashMap<>();
    private Optional<String> loadBalancerClass = Optional.empty();
    private String loadBalancerIP = "";
    private List<IpFamily> ipFamilies = List.of(IpFamily.IPV4);
    private IpFamilyPolicy ipFamilyPolicy = IpFamilyPolicy.SINGLE_STACK;
    private final List<ServicePort> ports = new ArrayList<>();
    private TrafficPolicy externalTrafficPolicy = TrafficPolicy.CLUSTER;
    private final Map<String, String> selector = new HashMap<>();
    private List<IpAddress> statusIps = List.of();

    private Builder(ServiceKey key) {
      this.key = key;
    }

    public Builder label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public Builder namespaceLabel(String k, String v) {
      namespaceLabels.put(k, v);
      return this;
    }

    public Builder annotation(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    public Builder withoutAnnotation(String k) {
      annotations.remove(k);
      return this;
    }

    public Builder loadBalancerClass(String c) {
      loadBalancerClass = Optional.ofNullable(c);
      return this;
    }

    public Builder loadBalancerIP(String ip) {
      loadBalancerIP = ip;
      return this;
    }

    public Builder ipFamilies(IpFamily... families) {
      ipFamilies = List.of(families);
      return this;
    }

    public Builder ipFamilyPolicy(IpFamilyPolicy p) {
      ipFamilyPolicy = p;
      return this;
    }

    public Builder ports(ServicePort... p) {
      ports.clear();
      ports.addAll(List.of(p));
      return this;
    }

    public Builder externalTrafficPolicy(TrafficPolicy p) {
      externalTrafficPolicy = p;
      return this;
    }

    public Builder selector(String k, String v) {
      selector.put(k, v);
      return this;
    }

    public Builder statusIps(IpAddress... ips) {
      statusIps = List.of(ips);
      return this;
    }

    public ServiceRequest build() {
      return new ServiceRequest(key, labels, namespaceLabels, annotations, loadBalancerClass, loadBalancerIP,
          ipFamilies, ipFamilyPolicy, ports, externalTrafficPolicy, selector, statusIps);
    }
  }
}
