package io.herald.k8s.decision;

import io.herald.k8s.model.AddressRange;
import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.AnnounceSettings;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.allocator.pool.LabelSelector;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.PeerView;
import io.herald.k8s.model.PoolView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A mutable story builder for decision tests: start from a cluster that announces, then break one thing. */
final class Fixture {
  static final ServiceKey WEB = new ServiceKey("default", "web");

  String type = "LoadBalancer";
  Optional<String> lbClass = Optional.empty();
  TrafficPolicy etp = TrafficPolicy.CLUSTER;
  List<String> ips = new ArrayList<>(List.of("192.0.2.10"));
  Map<String, String> svcLabels = new HashMap<>(Map.of("app", "web"));
  Map<String, String> svcAnnotations = new HashMap<>();
  List<EndpointView> endpoints = new ArrayList<>(List.of(ready("worker-2")));
  Map<String, NodeView> nodes = new LinkedHashMap<>();
  List<PoolView> pools = new ArrayList<>(List.of(pool("default", Map.of("tier", "public"), "192.0.2.0/28")));
  List<AdvertisementView> ads = new ArrayList<>(List.of(bgpAd("bgp-all"), l2Ad("l2-all")));
  List<PeerView> peers = new ArrayList<>(List.of(new PeerView("tor", List.of())));
  AnnounceSettings settings = AnnounceSettings.forNode("worker-1");

  Fixture() {
    for (String n : List.of("worker-1", "worker-2", "worker-3")) node(n, Map.of("rack", n.equals("worker-3") ? "b" : "a"), false);
  }

  Fixture node(String name, Map<String, String> labels, boolean networkUnavailable) {
    nodes.put(name, new NodeView(name, labels, networkUnavailable));
    return this;
  }

  Fixture me(String name) {
    settings = new AnnounceSettings(name, settings.loadBalancerClass(), settings.ignoreExcludeLabel());
    return this;
  }

  Fixture with(UnaryOperator<Fixture> change) {
    return change.apply(this);
  }

  ServiceView service() {
    return new ServiceView(WEB, "uid-web", type, lbClass, etp, ips, svcLabels, svcAnnotations);
  }

  ConfigView config() {
    return new ConfigView(pools, ads, peers);
  }

  AnnounceDecision bgp() {
    return AnnouncePolicy.decide(WEB, Optional.of(service()), endpoints, nodes, config(), settings).bgp();
  }

  AnnounceDecision l2() {
    return AnnouncePolicy.decide(WEB, Optional.of(service()), endpoints, nodes, config(), settings).layer2();
  }

  static EndpointView ready(String node) {
    return new EndpointView(Optional.of(node), Optional.of(true), Optional.empty(), List.of("10.244.0.1"));
  }

  static EndpointView endpoint(String node, Boolean ready, Boolean serving) {
    return new EndpointView(Optional.ofNullable(node), Optional.ofNullable(ready), Optional.ofNullable(serving), List.of("10.244.0.2"));
  }

  static PoolView pool(String name, Map<String, String> labels, String... ranges) {
    return new PoolView(name, labels, java.util.Arrays.stream(ranges).map(AddressRange::parse).toList());
  }

  static AdvertisementView bgpAd(String name) {
    return new AdvertisementView(name, AnnounceProtocol.BGP, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  static AdvertisementView l2Ad(String name) {
    return new AdvertisementView(name, AnnounceProtocol.LAYER2, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  static LabelSelector sel(String key, String value) {
    return LabelSelector.ofLabels(Map.of(key, value));
  }
}
