package io.herald.node.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.cli.HeraldCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real {@code herald node} (not the test node main) in a network namespace, with a Layer 2
 * pool from a configuration file and the sandbox API (in the same namespace, on loopback)
 * holding that configuration, a Node, a LoadBalancer Service and its EndpointSlice: the node
 * allocates the pool's one address to the Service, elects itself, and answers ARP for it with its
 * interface's MAC.
 */
class HeraldNodeLayer2IT {
  private static final String NODE = "lab-node";
  private static final String NODE_IP = "192.0.2.21";
  private static final String SERVICE_IP = "192.0.2.120";
  private static final Duration START = Duration.ofSeconds(120);

  private static final String CONFIG = """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: lan, namespace: metallb-system}
      spec:
        addresses: [%s/32]
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: lan, namespace: metallb-system}
      spec:
        ipAddressPools: [lan]
      """.formatted(SERVICE_IP);

  private static final String OBJECTS = """
      apiVersion: v1
      kind: Node
      metadata:
        name: %1$s
        labels: {kubernetes.io/hostname: %1$s}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: default, labels: {app: web}}
      spec:
        type: LoadBalancer
        externalTrafficPolicy: Cluster
        selector: {app: web}
        ports: [{name: http, protocol: TCP, port: 80, targetPort: 8080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: web-1
        namespace: default
        labels: {kubernetes.io/service-name: web}
      addressType: IPv4
      endpoints:
      - addresses: [10.244.0.7]
        nodeName: %1$s
        conditions: {ready: true}
      ports: [{name: http, port: 8080, protocol: TCP}]
      """.formatted(NODE);

  private static Optional<String> lineOf(Path log, String prefix) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(prefix)).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Test
  void aHeraldNodeAnswersArpForTheServiceIpItAllocated() throws Exception {
    Optional<String> missing = L2Lab.missing();
    Assumptions.assumeTrue(missing.isEmpty(), () -> "Layer 2 namespace lab skipped: " + missing.orElse(""));
    try (L2Lab lab = new L2Lab()) {
      lab.buildClient();
      String ns = lab.host("h", 1, NODE_IP);
      Path dir = lab.dir();
      Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
      Path objects = Files.createDirectory(dir.resolve("objects"));
      Files.writeString(objects.resolve("cluster.yaml"), OBJECTS);
      // With --kubeconfig the node takes the cluster's metallb.io objects over its --config file
      // (as MetalLB reads only the cluster): the same file is loaded into the sandbox API.
      Files.writeString(objects.resolve("metallb.yaml"), CONFIG);
      Path kubeconfig = dir.resolve("sandbox.kubeconfig");
      Path apiLog = dir.resolve("sandbox.log");
      Path nodeLog = dir.resolve("node.log");

      lab.java(ns, apiLog, HeraldCommand.class.getName(), List.of("sandbox-api", "--bind", "127.0.0.1", "--port", "16443",
          "--kubeconfig-out", kubeconfig.toString(), "--load", objects.toString()));
      lab.await("the sandbox API", START, () -> lineOf(apiLog, "kubeconfig:"));
      assertThat(lineOf(apiLog, "loaded ")).as(tail(apiLog)).hasValueSatisfying(l -> assertThat(l).contains("loaded 5 objects"));

      lab.java(ns, nodeLog, HeraldCommand.class.getName(), List.of("node", "--config", config.toString(),
          "--node-name", NODE, "--kubeconfig", kubeconfig.toString(), "--bind", NODE_IP + ":25520",
          "--http", "127.0.0.1:7472", "--journal", "h2:" + dir.resolve("journal")));
      lab.await("herald node up", START, () -> lineOf(nodeLog, "node " + NODE + " up"));

      String mac = L2Lab.mac(ns);
      try {
        lab.await("an ARP reply for " + SERVICE_IP + " from " + mac, START,
            () -> lab.arping(SERVICE_IP, 1).contains(mac) ? Optional.of(mac) : Optional.empty());
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n--- node\n" + tail(nodeLog), e);
      }
      assertThat(lab.arping(SERVICE_IP, 3)).containsExactly(mac);
      // An address of the pool's network that no Service holds gets no answer.
      assertThat(lab.arping("192.0.2.121", 2)).isEmpty();
    }
  }
}
