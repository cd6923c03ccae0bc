package io.herald.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node is told on its command line: who it is, where it listens, whom it joins, where
 * its journal lives.
 *
 * @param nodeName the Kubernetes node name (peer and advertisement node selectors match its labels)
 * @param nodeLabels labels of this node, for node selectors until the watcher supplies them
 * @param bind the Artery (cluster remoting) address
 * @param http the management HTTP address
 * @param seedNodes remoting addresses to join; empty means join ourselves (a one-node cluster)
 * @param journal where allocations are persisted
 * @param drainTime how long routes carry GRACEFUL_SHUTDOWN before they are withdrawn
 * @param kubeconfig the Kubernetes client configuration, handed to the watcher
 * @param bootstrap form the cluster with Pekko Management cluster bootstrap and Kubernetes API
 *     discovery instead of seed nodes
 * @param loadBalancerClass handle only Services whose {@code spec.loadBalancerClass} is this one;
 *     empty: only Services without a class (MetalLB's {@code --lb-class})
 */
public record NodeSettings(
    String nodeName,
    Map<String, String> nodeLabels,
    InetSocketAddress bind,
    InetSocketAddress http,
    List<InetSocketAddress> seedNodes,
    Journal journal,
    Duration drainTime,
    Optional<Path> kubeconfig,
    Optional<KubernetesBootstrap> bootstrap,
    Optional<String> loadBalancerClass) {

  public NodeSettings {
    Objects.requireNonNull(nodeName);
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("node name must not be empty");
    }
    nodeLabels = Map.copyOf(nodeLabels);
    Objects.requireNonNull(bind);
    Objects.requireNonNull(http);
    seedNodes = List.copyOf(seedNodes);
    Objects.requireNonNull(journal);
    Objects.requireNonNull(drainTime);
    Objects.requireNonNull(kubeconfig);
    Objects.requireNonNull(bootstrap);
    if (bootstrap.isPresent() && !seedNodes.isEmpty()) {
      throw new IllegalArgumentException("seed nodes and Kubernetes bootstrap exclude each other");
    }
    Objects.requireNonNull(loadBalancerClass);
    if (loadBalancerClass.filter(String::isBlank).isPresent()) {
      throw new IllegalArgumentException("load balancer class must not be blank");
    }
  }

  /** Settings for Services without a {@code loadBalancerClass}. */
  public NodeSettings(String nodeName, Map<String, String> nodeLabels, InetSocketAddress bind, InetSocketAddress http,
      List<InetSocketAddress> seedNodes, Journal journal, Duration drainTime, Optional<Path> kubeconfig,
      Optional<KubernetesBootstrap> bootstrap) {
    this(nodeName, nodeLabels, bind, http, seedNodes, journal, drainTime, kubeconfig, bootstrap, Optional.empty());
  }

  /**
   * Cluster formation on Kubernetes: the pods found by {@code podLabelSelector} (with {@code %s}
   * replaced by {@code serviceName}) are contacted on their management port; the cluster forms
   * once {@code requiredContactPoints} of them are found.
   */
  public record KubernetesBootstrap(String serviceName, int requiredContactPoints, String podLabelSelector) {
    public KubernetesBootstrap {
      Objects.requireNonNull(serviceName);
      Objects.requireNonNull(podLabelSelector);
      if (serviceName.isBlank()) {
        throw new IllegalArgumentException("bootstrap service name must not be empty");
      }
      if (requiredContactPoints < 1) {
        throw new IllegalArgumentException("required contact points must be at least 1");
      }
    }
  }

  /** The Pekko ActorSystem name every node of one cluster shares. */
  public static final String SYSTEM_NAME = "herald";

  /** Where the allocation journal lives. */
  public sealed interface Journal {
    /** An embedded H2 file; {@code AUTO_SERVER} lets the nodes of a local run share it. */
    record H2(Path file) implements Journal {}

    /** A PostgreSQL database shared by every node, e.g. {@code jdbc:postgresql://db:5432/herald?user=herald}. */
    record Postgres(String jdbcUrl) implements Journal {}

    /** Parses {@code h2:PATH} or {@code postgres:URL}. */
    static Journal parse(String text) {
      if (text.startsWith("h2:") && text.length() > 3) {
        return new H2(Path.of(text.substring(3)));
      }
      if (text.startsWith("postgres:") && text.length() > 9) {
        String url = text.substring(9);
        if (url.startsWith("//")) {
          url = "postgresql:" + url;
        }
        if (!url.startsWith("jdbc:")) {
          url = "jdbc:" + url;
        }
        if (!url.startsWith("jdbc:postgresql:")) {
          throw new IllegalArgumentException("invalid journal \"" + text + "\": expected postgres:jdbc:postgresql://HOST:PORT/DB");
        }
        return new Postgres(url);
      }
      throw new IllegalArgumentException("invalid journal \"" + text + "\": use h2:PATH or postgres:URL");
    }
  }
}
