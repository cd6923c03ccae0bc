package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;

/** Builders of the Kubernetes objects the watcher tests put into the sandbox API. */
public final class Objects8 {
  private Objects8() {}

  public static void node(KubernetesClient c, String name, Map<String, String> labels, boolean networkUnavailable) {
    var node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewStatus().addNewCondition().withType("NetworkUnavailable").withStatus(networkUnavailable ? "True" : "False").endCondition().endStatus()
        .build();
    if (c.nodes().withName(name).get() == null) {
      c.nodes().resource(node).create();
    } else {
      // as on the API server, the object's endpoint leaves the status alone: conditions go through /status
      c.nodes().resource(node).update();
      c.nodes().resource(node).updateStatus();
    }
  }

  public static Service loadBalancer(KubernetesClient c, String ns, String name, String etp, String ip) {
    Service svc = c.services().inNamespace(ns).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
        .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(etp)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
    if (ip != null) {
      svc.setStatus(new ServiceStatusBuilder().withNewLoadBalancer()
          .withIngress(new LoadBalancerIngressBuilder().withIp(ip).build()).endLoadBalancer().build());
      svc = c.services().inNamespace(ns).resource(svc).updateStatus();
    }
    return svc;
  }

  /** A slice for Service {@code svc} with one ready endpoint per node in {@code nodes}. */
  public static EndpointSlice slice(String ns, String svc, String name, List<String> nodes) {
    var b = new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .addToLabels("kubernetes.io/service-name", svc).endMetadata().withAddressType("IPv4");
    int i = 1;
    for (String n : nodes) {
      b.addNewEndpoint().withAddresses("10.244.0." + i++).withNodeName(n).withNewConditions().withReady(true).endConditions().endEndpoint();
    }
    return b.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
  }

  public static GenericKubernetesResource metallb(ResourceDefinitionContext ctx, String name, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(ctx.getGroup() + "/" + ctx.getVersion());
    r.setKind(ctx.getKind());
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("metallb-system").build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  public static void apply(KubernetesClient c, ResourceDefinitionContext ctx, String name, Map<String, Object> spec) {
    c.genericKubernetesResources(ctx).inNamespace("metallb-system").resource(metallb(ctx, name, spec)).createOr(r -> r.update());
  }

  /** A basic configuration: one pool, one BGP and one L2 advertisement for all pools, one peer. */
  public static void basicConfig(KubernetesClient c, String cidr) {
    apply(c, ClusterInformers.POOLS, "default", Map.of("addresses", List.of(cidr)));
    apply(c, ClusterInformers.BGP_ADS, "bgp", Map.of());
    apply(c, ClusterInformers.L2_ADS, "l2", Map.of());
    apply(c, ClusterInformers.PEERS, "tor", Map.of("myASN", 64512, "peerASN", 64513, "peerAddress", "192.0.2.254"));
  }
}
