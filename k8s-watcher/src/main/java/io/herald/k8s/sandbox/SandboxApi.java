package io.herald.k8s.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.herald.k8s.informer.WatchEventSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small in-process Kubernetes API for tests and for trying Herald out: Herald's own object store
 * ({@link SandboxStore}) served over HTTP by the fabric8 mock web server, with the discovery
 * documents that real {@code kubectl get} and {@code kubectl describe} need.
 *
 * <p>It is a stand-in, not a Kubernetes: it keeps objects in memory, runs no controllers, enforces
 * no schema, RBAC or admission, merges a strategic-merge patch as a plain merge patch, and cannot
 * do server-side apply or protobuf request bodies. Plain HTTP, any bearer token is accepted.
 */
public final class SandboxApi implements AutoCloseable {

  /** Namespaces present from the start: the usual ones plus MetalLB's. */
  public static final List<String> INITIAL_NAMESPACES =
      List.of("default", "kube-system", "metallb-system");

  // The mock logs every request at INFO through java.util.logging. The reference is kept because
  // java.util.logging holds loggers weakly and would forget the level.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final String url;
  private final KubernetesClient client;
  private final SandboxDispatcher dispatcher;
  private final SandboxStore store;
  private final MockWebServer http;

  private SandboxApi(KubernetesMockServer server, MockWebServer http, String url, SandboxDispatcher dispatcher,
      SandboxStore store) {
    this.dispatcher = dispatcher;
    this.store = store;
    this.http = http;
    this.server = server;
    this.url = url;
    // the client a node uses (the tests read the sandbox through it, informers included)
    this.client = WatchEventSerialization.client(clientConfig(url));
  }

  /**
   * Starts the sandbox on {@code bind:port} (port 0 picks a free port) with the namespaces of
   * {@link #INITIAL_NAMESPACES} and the metallb.io CRDs installed.
   */
  public static SandboxApi start(InetAddress bind, int port) {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    JsonMapper json = JsonMapper.builder().build();
    SandboxStore store = new SandboxStore(json);
    // The discovery documents carry the bound address, known only after start: the dispatcher is
    // set right after binding, before any client is created.
    SandboxDispatcher[] holder = new SandboxDispatcher[1];
    MockWebServer http = new MockWebServer();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            http,
            expectations,
            new io.fabric8.mockwebserver.http.Dispatcher() {
              @Override
              public io.fabric8.mockwebserver.http.MockResponse dispatch(
                  io.fabric8.mockwebserver.http.RecordedRequest request) {
                forgetServed(http);
                return holder[0].dispatch(request);
              }
            },
            false);
    server.start(bind, port);
    String host = bind instanceof Inet6Address ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress();
    String address = host + ":" + server.getPort();
    holder[0] = new SandboxDispatcher(store, json, ApiResources.discoveryDocuments(json, address));
    SandboxApi api = new SandboxApi(server, http, "http://" + address, holder[0], store);
    try {
      api.seed();
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
    return api;
  }

  /**
   * The mock HTTP server queues every request it serves, body included, for a test's
   * {@code takeRequest()}. The sandbox answers from its store and never asks for them, so a
   * long-running sandbox (the demo, a benchmark of 10,000 Services) would keep every request it
   * ever served. The queue is emptied as each request arrives (it is queued before it is
   * dispatched).
   */
  static void forgetServed(MockWebServer http) {
    try {
      while (http.takeRequest(0, java.util.concurrent.TimeUnit.NANOSECONDS) != null) {
        // dropped
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The mock HTTP server underneath, for tests of what it keeps. */
  MockWebServer httpServer() {
    return http;
  }

  private void seed() {
    for (String ns : INITIAL_NAMESPACES) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    for (var crd : MetallbCrds.all()) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  private static Config clientConfig(String url) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withNamespace("default")
        .withOauthToken("sandbox")
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(0)
        .build();
  }

  /**
   * How many requests the sandbox served so far, by verb and resource: {@code GET}, {@code LIST}
   * and {@code WATCH} for reads, e.g. {@code "PATCH services/status"}. For measuring what a
   * workload costs the API server.
   */
  public java.util.SortedMap<String, Long> requests() {
    return dispatcher.requests();
  }

  /**
   * Calls {@code observer} with each later write of a resource ({@code ADDED}, {@code MODIFIED},
   * {@code DELETED}) the moment the sandbox stores it, from inside this process: for a measurement
   * that times when the API holds a write, without a watch connection and a client's decoding
   * adding to what it measures. It runs under the store's lock: keep it short, and only read the
   * object it is given. Returns a handle that stops it.
   *
   * @param group the API group, {@code ""} for the core group
   */
  public Runnable observe(String group, String version, String plural,
      java.util.function.BiConsumer<String, tools.jackson.databind.JsonNode> observer) {
    ApiResource type = ApiResources.find(group, version, plural)
        .orElseThrow(() -> new IllegalArgumentException("the sandbox serves no " + plural + " in " + group + "/" + version));
    return store.observe(type, observer::accept);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:34567}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getPort();
  }

  /** A fabric8 client for this sandbox; closed with it. */
  public KubernetesClient client() {
    return client;
  }

  /** A new fabric8 configuration for this sandbox, e.g. for a client with other settings. */
  public Config config() {
    return clientConfig(url);
  }

  /** The kubeconfig document that points kubectl at {@code url} (context {@code herald-sandbox}). */
  public static String kubeconfig(String url) {
    return String.join(
        "\n",
        "# Herald sandbox API: a stand-in for trying Herald out and for tests, not a Kubernetes.",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: herald-sandbox",
        "  cluster:",
        "    server: " + url,
        "users:",
        "- name: herald-sandbox",
        "  user:",
        "    token: sandbox",
        "contexts:",
        "- name: herald-sandbox",
        "  context:",
        "    cluster: herald-sandbox",
        "    user: herald-sandbox",
        "    namespace: default",
        "current-context: herald-sandbox",
        "");
  }

  /** Writes {@link #kubeconfig(String)} for this sandbox to {@code file}. */
  public void writeKubeconfig(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.writeString(file, kubeconfig(url), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates every object of every {@code *.yaml}, {@code *.yml} and {@code *.json} file in
   * {@code dir} (multi-document YAML allowed), in file-name order; namespaced objects without a
   * namespace go to {@code default}.
   *
   * @return the number of objects created
   */
  public int load(Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int created = 0;
    for (Path f : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(f)) {
        items = new ArrayList<>(client.load(in).items());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (HasMetadata item : items) {
        if (item == null) continue;
        client.resource(item).create();
        created++;
      }
    }
    return created;
  }

  @Override
  public void close() {
    client.close();
    server.shutdown();
  }
}
