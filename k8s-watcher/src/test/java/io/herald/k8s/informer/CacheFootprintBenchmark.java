package io.herald.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test (run it with {@code -Dtest=CacheFootprintBenchmark}): the heap that N Services
 * and their EndpointSlices (three endpoints on three of 50 nodes each), decoded from API-server
 * JSON as an informer decodes them, retain when cached as before (managedFields and kubectl's
 * last-applied copy dropped: {@link LeanItemStore#trim}) and compacted ({@link CompactObjects}).
 * Prints bytes per Service plus slice: heap in use after full GCs, with the objects held, minus
 * before, over a few rounds.
 */
class CacheFootprintBenchmark {
  private static final int N = Integer.getInteger("herald.bench.services", 10_000);
  private static final int ROUNDS = 3;
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void measure() throws Exception {
    // Generated once, outside the measured heap: the informer's input is bytes off the socket.
    Random random = new Random(20240514L);
    List<String> services = new ArrayList<>(N);
    List<String> slices = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      services.add(serviceJson(i, random));
      slices.add(sliceJson(i, random));
    }
    long[] trimmed = new long[ROUNDS];
    long[] compact = new long[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      trimmed[r] = retained(services, slices, LeanItemStore::trim);
      compact[r] = retained(services, slices, CompactObjects::compact);
    }
    Arrays.sort(trimmed);
    Arrays.sort(compact);
    long before = trimmed[ROUNDS / 2] / N;
    long after = compact[ROUNDS / 2] / N;
    System.out.printf("%d Services + %d EndpointSlices (3 endpoints each), median of %d rounds:%n"
        + "  cached as before (trim only): %d bytes per Service+slice, %.1f MB in all (rounds %s)%n"
        + "  compacted:                    %d bytes per Service+slice, %.1f MB in all (rounds %s)%n",
        N, N, ROUNDS, before, trimmed[ROUNDS / 2] / 1048576.0, Arrays.toString(trimmed),
        after, compact[ROUNDS / 2] / 1048576.0, Arrays.toString(compact));
    assertThat(after).isPositive().isLessThan(before);
  }

  /** Heap retained by the decoded objects, each passed through {@code store}, in bytes. */
  private static long retained(List<String> services, List<String> slices, UnaryOperator<HasMetadata> store)
      throws InterruptedException {
    long base = usedAfterGc();
    List<HasMetadata> held = new ArrayList<>(2 * N);
    for (int i = 0; i < N; i++) {
      held.add(store.apply(JSON.unmarshal(services.get(i), Service.class)));
      held.add(store.apply(JSON.unmarshal(slices.get(i), EndpointSlice.class)));
    }
    long used = usedAfterGc() - base;
    Reference.reachabilityFence(held);
    return used;
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String ns(int i) {
    return "team-" + (i % 50);
  }

  private static String uid(Random random) {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** A LoadBalancer Service as the API server lists it after {@code kubectl apply} and an allocation. */
  private static String serviceJson(int i, Random random) {
    String name = "svc-" + i;
    String ip = "10." + (64 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
    String lastApplied = ("{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Service\\\",\\\"metadata\\\":{\\\"annotations\\\":"
        + "{\\\"metallb.io/address-pool\\\":\\\"public\\\"},\\\"labels\\\":{\\\"app.kubernetes.io/name\\\":\\\"%1$s\\\"},"
        + "\\\"name\\\":\\\"%1$s\\\",\\\"namespace\\\":\\\"%2$s\\\"},\\\"spec\\\":{\\\"externalTrafficPolicy\\\":\\\"Local\\\","
        + "\\\"ports\\\":[{\\\"name\\\":\\\"http\\\",\\\"port\\\":80,\\\"targetPort\\\":8080},{\\\"name\\\":\\\"https\\\","
        + "\\\"port\\\":443,\\\"targetPort\\\":8443}],\\\"selector\\\":{\\\"app.kubernetes.io/name\\\":\\\"%1$s\\\"},"
        + "\\\"type\\\":\\\"LoadBalancer\\\"}}\\n").formatted(name, ns(i));
    return """
        {"kind":"Service","apiVersion":"v1","metadata":{"name":"%1$s","namespace":"%2$s","uid":"%3$s",
         "resourceVersion":"%4$d","creationTimestamp":"2024-05-14T09:12:44Z",
         "labels":{"app.kubernetes.io/name":"%1$s","app.kubernetes.io/part-of":"%2$s"},
         "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"%5$s","metallb.io/address-pool":"public",
          "metallb.io/ip-allocated-from-pool":"public"},
         "managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1",
          "time":"2024-05-14T09:12:44Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},
          "f:kubectl.kubernetes.io/last-applied-configuration":{},"f:metallb.io/address-pool":{}},"f:labels":{".":{},
          "f:app.kubernetes.io/name":{}}},"f:spec":{"f:externalTrafficPolicy":{},"f:ports":{".":{},
          "k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{},"f:targetPort":{}},
          "k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{},"f:targetPort":{}}},
          "f:selector":{},"f:type":{}}}},
          {"manager":"metallb-controller","operation":"Update","apiVersion":"v1","time":"2024-05-14T09:12:45Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:loadBalancer":{"f:ingress":{}}}},"subresource":"status"}]},
        "spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":%6$d},
          {"name":"https","protocol":"TCP","port":443,"targetPort":8443,"nodePort":%7$d}],
         "selector":{"app.kubernetes.io/name":"%1$s"},"clusterIP":"10.96.%8$d.%9$d","clusterIPs":["10.96.%8$d.%9$d"],
         "type":"LoadBalancer","sessionAffinity":"None","externalTrafficPolicy":"Local","healthCheckNodePort":%10$d,
         "ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","allocateLoadBalancerNodePorts":true,
         "internalTrafficPolicy":"Cluster"},
        "status":{"loadBalancer":{"ingress":[{"ip":"%11$s","ipMode":"VIP"}]}}}
        """.formatted(name, ns(i), uid(random), 1_000_000 + i, lastApplied, 30000 + random.nextInt(2768),
        30000 + random.nextInt(2768), i / 256 % 256, i % 256, 30000 + random.nextInt(2768), ip);
  }

  /** The Service's EndpointSlice, as the endpointslice controller writes it: three endpoints. */
  private static String sliceJson(int i, Random random) {
    String name = "svc-" + i;
    StringBuilder endpoints = new StringBuilder();
    for (int e = 0; e < 3; e++) {
      if (e > 0) endpoints.append(',');
      int node = random.nextInt(50);
      endpoints.append("""
          {"addresses":["10.244.%1$d.%2$d"],"conditions":{"ready":true,"serving":true,"terminating":false},
           "targetRef":{"kind":"Pod","namespace":"%3$s","name":"%4$s-5d9c7b8f6-%5$05d","uid":"%6$s"},
           "nodeName":"node-%1$d","zone":"zone-%7$s"}""".formatted(node, random.nextInt(250) + 2, ns(i), name,
          random.nextInt(100_000), uid(random), (char) ('a' + node % 3)));
    }
    return """
        {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"name":"%1$s-%2$05d","generateName":"%1$s-",
         "namespace":"%3$s","uid":"%4$s","resourceVersion":"%5$d","generation":4,
         "creationTimestamp":"2024-05-14T09:12:44Z",
         "labels":{"app.kubernetes.io/name":"%1$s","endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io",
          "kubernetes.io/service-name":"%1$s"},
         "annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2024-05-20T17:%6$02d:%7$02dZ"},
         "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"%1$s","uid":"%8$s","controller":true,
          "blockOwnerDeletion":true}],
         "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"discovery.k8s.io/v1",
          "time":"2024-05-20T17:03:09Z","fieldsType":"FieldsV1","fieldsV1":{"f:addressType":{},"f:endpoints":{},
          "f:metadata":{"f:annotations":{".":{},"f:endpoints.kubernetes.io/last-change-trigger-time":{}},
          "f:generateName":{},"f:labels":{".":{},"f:endpointslice.kubernetes.io/managed-by":{},
          "f:kubernetes.io/service-name":{}},"f:ownerReferences":{".":{}}},"f:ports":{}}}]},
        "addressType":"IPv4","endpoints":[%9$s],
        "ports":[{"name":"http","protocol":"TCP","port":8080},{"name":"https","protocol":"TCP","port":8443}]}
        """.formatted(name, random.nextInt(100_000), ns(i), uid(random), 2_000_000 + i, random.nextInt(60),
        random.nextInt(60), uid(random), endpoints);
  }
}
