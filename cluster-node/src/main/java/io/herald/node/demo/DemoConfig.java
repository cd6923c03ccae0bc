package io.herald.node.demo;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.ConfigError;
import io.herald.allocator.config.ConfigLoader;
import io.herald.allocator.config.HeraldConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The demo's configuration: the seed's Helm values file, whose {@code configInline} is the legacy
 * configuration, with its peer pointed at the demo's router. Pure: text in, text out.
 *
 * <p>The seed has one peer that every node dials from whatever address the kernel picks. The
 * demo's router must tell its three in-process nodes apart, so the one peer becomes one peer per
 * node: same settings, the router's address and port, the node's own source address, and a node
 * selector on {@code kubernetes.io/hostname}. Pools, communities and everything else are kept.
 */
public final class DemoConfig {
  private DemoConfig() {}

  /** The label every Kubernetes node carries with its own name; peers select their node by it. */
  public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

  /** One demo node and the address its BGP session starts from. */
  public record Node(String name, String sourceAddress) {
    public Node {
      Objects.requireNonNull(name);
      Objects.requireNonNull(sourceAddress);
    }
  }

  /**
   * @param legacyConfig the legacy configuration (the ConfigMap's {@code config} key)
   * @param config the same, loaded and validated
   * @param changes what differs from the seed and why, one line each, for people
   */
  public record Derived(String legacyConfig, HeraldConfig config, List<String> changes) {
    public Derived {
      changes = List.copyOf(changes);
    }
  }

  /**
   * Derives the demo's configuration from the seed values file.
   *
   * @param seedName the seed's file name, for error messages
   * @param seedText the seed: Helm values with {@code configInline}, or a legacy configuration
   * @param routerAddress where the demo's router listens
   * @param routerPort its TCP port
   * @param routerName how the changes name the router, e.g. "BIRD in netns hdemo-42"
   * @throws IllegalArgumentException when the seed is invalid or has no peer with an address
   */
  public static Derived derive(String seedName, String seedText, String routerAddress, int routerPort,
      String routerName, List<Node> nodes) {
    HeraldConfig seed = load(seedName, seedText);
    List<BgpPeer> seedPeers = seed.peers().stream().filter(p -> p.peerAddress().isPresent()).toList();
    if (seedPeers.isEmpty()) {
      throw new IllegalArgumentException(seedName + ": the demo needs a peer with a peer-address to point at its router");
    }
    Map<String, Object> legacy = legacyTree(seedName, seedText);
    @SuppressWarnings("unchecked")
    List<Object> peers = (List<Object>) legacy.get("peers");
    @SuppressWarnings("unchecked")
    Map<String, Object> template = (Map<String, Object>) peers.get(0);
    BgpPeer first = seedPeers.get(0);

    List<Object> derivedPeers = new ArrayList<>();
    for (Node n : nodes) {
      Map<String, Object> p = new LinkedHashMap<>(template);
      p.put("peer-address", routerAddress);
      if (routerPort == BgpPeer.DEFAULT_PORT) {
        p.remove("peer-port");
      } else {
        p.put("peer-port", routerPort);
      }
      p.put("source-address", n.sourceAddress());
      p.put("node-selectors", List.of(Map.of("match-labels", Map.of(HOSTNAME_LABEL, n.name()))));
      derivedPeers.add(p);
    }
    legacy.put("peers", derivedPeers);
    String text = Serialization.asYaml(legacy);
    if (text.startsWith("---\n")) {
      text = text.substring(4);
    }
    HeraldConfig config = load("demo configuration", text);

    List<String> changes = new ArrayList<>();
    String was = first.peerAddress().get() + ":" + first.peerPort();
    String now = routerAddress + ":" + routerPort;
    changes.add("peers: the seed's peer " + was + " (AS " + first.peerAsn() + ", my-asn " + first.myAsn()
        + ") becomes one peer per node, each with the seed's settings:");
    for (Node n : nodes) {
      changes.add("  " + n.name() + ": peer-address " + routerAddress + (routerPort == BgpPeer.DEFAULT_PORT ? ""
          : ", peer-port " + routerPort) + ", source-address " + n.sourceAddress() + ", node-selectors "
          + HOSTNAME_LABEL + "=" + n.name());
    }
    changes.add(was.equals(now)
        ? "  why: " + routerName + " answers on the seed's own peer address; each node needs its own source"
            + " address so that the router sees three neighbours"
        : "  why: " + routerName + " listens on " + now + " in place of the seed's router, and each node"
            + " needs its own source address so that the router sees three neighbours");
    if (seedPeers.size() > 1 || peers.size() > 1) {
      changes.add("  the seed's other peers are left out: the demo has one router");
    }
    changes.add("address-pools, communities and advertisements: unchanged");
    return new Derived(text, config, changes);
  }

  /**
   * The seed's first peer that has an address: the demo's router takes its ASNs.
   *
   * @throws IllegalArgumentException when the seed is invalid or has no such peer
   */
  public static BgpPeer seedPeer(String seedName, String seedText) {
    return load(seedName, seedText).peers().stream().filter(p -> p.peerAddress().isPresent()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            seedName + ": the demo needs a peer with a peer-address to point at its router"));
  }

  /** The legacy configuration as a tree: {@code configInline} of Helm values (a mapping or a string), or the text itself. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> legacyTree(String seedName, String seedText) {
    Object root = Serialization.unmarshal(seedText, Map.class);
    if (!(root instanceof Map<?, ?> top)) {
      throw new IllegalArgumentException(seedName + ": expected a YAML mapping");
    }
    Object inline = top.containsKey("configInline") ? top.get("configInline") : top;
    if (inline instanceof String s) {
      inline = Serialization.unmarshal(s, Map.class);
    }
    if (!(inline instanceof Map<?, ?> m) || !(m.get("peers") instanceof List<?> peers) || peers.isEmpty()
        || !(peers.get(0) instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(seedName + ": expected configInline.peers with at least one peer");
    }
    return new LinkedHashMap<>((Map<String, Object>) inline);
  }

  private static HeraldConfig load(String name, String text) {
    ConfigLoader.Result r = ConfigLoader.load(name, text);
    if (r instanceof ConfigLoader.Result.Invalid invalid) {
      throw new IllegalArgumentException(invalid.errors().stream().map(ConfigError::toString)
          .collect(Collectors.joining("; ")));
    }
    return ((ConfigLoader.Result.Valid) r).config();
  }
}
