package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.pool.IpFamilyPolicy;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServicePort;
import io.herald.allocator.pool.ServiceRequest;
import io.herald.allocator.pool.TrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceRequestsTest {

  @Test
  void copiesEveryFieldTheAllocatorReads() {
    Service svc = new ServiceBuilder()
        .withNewMetadata().withNamespace("shop").withName("web").addToLabels("tier", "gold")
        .addToAnnotations("metallb.io/address-pool", "public").endMetadata()
        .withNewSpec().withType("LoadBalancer").withLoadBalancerClass("herald").withLoadBalancerIP("203.0.113.9")
        .withIpFamilies("IPv6", "IPv4").withIpFamilyPolicy("PreferDualStack").withExternalTrafficPolicy("Local")
        .addToSelector("app", "web")
        .addNewPort().withPort(443).endPort().addNewPort().withProtocol("UDP").withPort(53).endPort().endSpec()
        .withNewStatus().withNewLoadBalancer()
        .withIngress(new LoadBalancerIngressBuilder().withIp("203.0.113.9").build(),
            new LoadBalancerIngressBuilder().withHostname("lb.example").build())
        .endLoadBalancer().endStatus().build();

    ServiceRequest r = ServiceRequests.of(svc, Map.of("team", "shop"));

    assertThat(r.key()).isEqualTo(new ServiceKey("shop", "web"));
    assertThat(r.labels()).containsExactly(Map.entry("tier", "gold"));
    assertThat(r.namespaceLabels()).containsExactly(Map.entry("team", "shop"));
    assertThat(r.annotations()).containsEntry("metallb.io/address-pool", "public");
    assertThat(r.loadBalancerClass()).contains("herald");
    assertThat(r.loadBalancerIP()).isEqualTo("203.0.113.9");
    assertThat(r.ipFamilies()).containsExactly(IpFamily.IPV6, IpFamily.IPV4);
    assertThat(r.ipFamilyPolicy()).isEqualTo(IpFamilyPolicy.PREFER_DUAL_STACK);
    assertThat(r.ports()).containsExactly(ServicePort.tcp(443), ServicePort.udp(53));
    assertThat(r.externalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
    assertThat(r.selector()).containsExactly(Map.entry("app", "web"));
    assertThat(r.statusIps()).as("hostname ingress entries are not addresses").containsExactly(IpAddress.of("203.0.113.9"));
  }

  @Test
  void aMinimalServiceIsSingleStackClusterPolicyWithoutClass() {
    Service svc = new ServiceBuilder().withNewMetadata().withNamespace("default").withName("a").endMetadata()
        .withNewSpec().withType("LoadBalancer").endSpec().build();
    ServiceRequest r = ServiceRequests.of(svc, Map.of());
    assertThat(r.loadBalancerClass()).isEqualTo(Optional.empty());
    assertThat(r.loadBalancerIP()).isEmpty();
    assertThat(r.ipFamilyPolicy()).isEqualTo(IpFamilyPolicy.SINGLE_STACK);
    assertThat(r.externalTrafficPolicy()).isEqualTo(TrafficPolicy.CLUSTER);
    assertThat(r.statusIps()).isEmpty();
    assertThat(ServiceRequests.isLoadBalancer(svc)).isTrue();
    svc.getSpec().setType("ClusterIP");
    assertThat(ServiceRequests.isLoadBalancer(svc)).isFalse();
    assertThat(r.ports()).isEqualTo(List.of());
  }

  @Test
  void allocatorInputsLeaveOutTheStatusAndThePoolAnnotationTheControllerWrites() {
    Service fresh = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web")
        .addToAnnotations("metallb.io/address-pool", "public").endMetadata()
        .withNewSpec().withType("LoadBalancer").addNewPort().withPort(443).endPort().endSpec().build();
    Service written = new ServiceBuilder(fresh).editMetadata()
        .addToAnnotations("metallb.io/ip-allocated-from-pool", "public")
        .addToAnnotations("metallb.universe.tf/ip-allocated-from-pool", "public").endMetadata()
        .withNewStatus().withNewLoadBalancer().withIngress(new LoadBalancerIngressBuilder().withIp("203.0.113.9").build())
        .endLoadBalancer().endStatus().build();

    ServiceRequest before = ServiceRequests.of(fresh, Map.of());
    ServiceRequest after = ServiceRequests.allocatorInputs(ServiceRequests.of(written, Map.of()));

    assertThat(after).isEqualTo(ServiceRequests.allocatorInputs(before));
    // Nothing to leave out: the same request.
    assertThat(ServiceRequests.allocatorInputs(before)).isSameAs(before);
    assertThat(after.annotations()).containsExactly(Map.entry("metallb.io/address-pool", "public"));
    assertThat(after.statusIps()).isEmpty();
    // Every other input still counts.
    Service otherPool = new ServiceBuilder(written).editMetadata()
        .addToAnnotations("metallb.io/address-pool", "private").endMetadata().build();
    assertThat(ServiceRequests.allocatorInputs(ServiceRequests.of(otherPool, Map.of()))).isNotEqualTo(after);
    assertThat(ServiceRequests.allocatorInputs(ServiceRequests.of(written, Map.of("team", "shop")))).isNotEqualTo(after);
  }
}
