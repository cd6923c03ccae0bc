package io.herald.k8s.sandbox;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sandbox API's HTTP layer: routes each request of the Kubernetes REST layout to the
 * {@link SandboxStore}, and serves what kubectl needs besides the objects.
 *
 * <ul>
 *   <li>discovery ({@code /api}, {@code /apis}, group versions, {@code /version}) is served from
 *       {@link ApiResources}, so kubectl can resolve {@code svc} or {@code ipaddresspools};
 *   <li>every response carries {@code Content-Type: application/json}; without it client-go asks
 *       for protobuf and then decodes the JSON as protobuf;
 *   <li>lists carry their typed kind ({@code EventList}, not {@code List}), otherwise the typed
 *       decoder in kubectl silently yields no items;
 *   <li>label and field selectors are evaluated on lists, watches and collection deletes
 *       ({@code kubectl describe} finds a Service's Events by field selector);
 *   <li>watches are WebSocket upgrades, as the fabric8 client opens them; events are JSON text
 *       frames.
 * </ul>
 */
final class SandboxDispatcher extends Dispatcher {

  private static final String JSON = "application/json";

  private final SandboxStore store;
  private final JsonMapper json;
  private final Map<String, String> discovery;
  private final String version;

  SandboxDispatcher(SandboxStore store, JsonMapper json, Map<String, String> discovery) {
    this.store = store;
    this.json = json;
    this.discovery = Map.copyOf(discovery);
    ObjectNode v = json.createObjectNode();
    v.put("major", "1");
    v.put("minor", "32");
    v.put("gitVersion", "v1.32.0-herald-sandbox");
    v.put("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/java");
    this.version = json.writeValueAsString(v);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String rawPath = q < 0 ? path : path.substring(0, q);
    String query = q < 0 ? "" : path.substring(q + 1);
    HttpMethod method = request.method();
    boolean get = method == HttpMethod.GET;

    if (get && discovery.containsKey(rawPath)) return json(200, discovery.get(rawPath));
    if (get && rawPath.equals("/version")) return json(200, version);
    if (rawPath.startsWith("/openapi/")) {
      return reply(store.failure(404, "NotFound", "the sandbox API serves no OpenAPI documents"));
    }
    Optional<ResourcePath> parsed = ResourcePath.parse(rawPath);
    if (parsed.isEmpty()) {
      return reply(store.failure(404, "NotFound", "the server could not find the requested resource"));
    }
    ResourcePath p = parsed.get();
    ApiResource type = p.resource();
    boolean status = "status".equals(p.subresource());
    tally(method, p, query);
    if (p.subresource() != null && !status) {
      return reply(store.failure(404, "NotFound", "the sandbox API serves no " + p.subresource() + " subresource"));
    }
    try {
      return switch (method) {
        case GET -> {
          if (!p.isCollection()) yield reply(store.get(type, p.namespace(), p.name()));
          SandboxStore.Query sel = query(p, query);
          if (isWatch(query)) yield watch(sel, queryParam(query, "resourceVersion"));
          yield reply(store.list(sel));
        }
        case POST -> p.isCollection()
            ? withBody(request, body -> store.create(type, p.namespace(), body))
            : reply(store.failure(405, "MethodNotAllowed", "POST goes to the collection"));
        case PUT -> p.isCollection()
            ? reply(store.failure(405, "MethodNotAllowed", "PUT needs an object name"))
            : withBody(request, body -> store.replace(type, p.namespace(), p.name(), status, body));
        case PATCH -> patch(request, p, status);
        case DELETE -> p.isCollection()
            ? reply(store.deleteAll(query(p, query)))
            : reply(store.delete(type, p.namespace(), p.name()));
        default -> reply(store.failure(405, "MethodNotAllowed", method + " is not served"));
      };
    } catch (IllegalArgumentException e) {
      return reply(store.failure(400, "BadRequest", e.getMessage()));
    }
  }

  /** What a request did, for counting: its verb, resource and subresource (null for none). */
  private record Served(String verb, ApiResource resource, String subresource) {
    /** e.g. "PATCH services/status". */
    String text() {
      return verb + " " + resource.plural() + (subresource == null ? "" : "/" + subresource);
    }
  }

  /** Requests served, for {@link SandboxApi#requests()}; counted by key, named when read. */
  private final java.util.concurrent.ConcurrentHashMap<Served, java.util.concurrent.atomic.LongAdder> requests =
      new java.util.concurrent.ConcurrentHashMap<>();

  private void tally(HttpMethod method, ResourcePath p, String query) {
    String verb = method == HttpMethod.GET ? (p.isCollection() ? (isWatch(query) ? "WATCH" : "LIST") : "GET") : method.name();
    requests.computeIfAbsent(new Served(verb, p.resource(), p.subresource()), k -> new java.util.concurrent.atomic.LongAdder())
        .increment();
  }

  /** A copy of the request counts so far, by verb and resource ("PATCH services/status"). */
  java.util.SortedMap<String, Long> requests() {
    java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
    requests.forEach((k, v) -> out.merge(k.text(), v.sum(), Long::sum));
    return out;
  }

  private MockResponse patch(RecordedRequest request, ResourcePath p, boolean status) {
    if (p.isCollection()) return reply(store.failure(405, "MethodNotAllowed", "PATCH needs an object name"));
    String type = String.valueOf(request.getHeader("Content-Type"));
    SandboxStore.PatchKind kind;
    if (type.startsWith("application/json-patch+json")) {
      kind = SandboxStore.PatchKind.JSON;
    } else if (type.startsWith("application/merge-patch+json")
        || type.startsWith("application/strategic-merge-patch+json")) {
      // A strategic merge patch differs from a merge patch only in how it merges lists with a
      // patch strategy (e.g. containers by name); the sandbox merges them as RFC 7386 does.
      kind = SandboxStore.PatchKind.MERGE;
    } else {
      return reply(store.failure(415, "UnsupportedMediaType",
          "the sandbox API applies JSON patch and merge patch, not " + type));
    }
    return withBody(request, body -> store.patch(p.resource(), p.namespace(), p.name(), status, kind, body));
  }

  private MockResponse withBody(RecordedRequest request, java.util.function.Function<JsonNode, SandboxStore.Reply> op) {
    JsonNode body = store.parse(request.getBody().getBytes());
    if (body == null) return reply(store.failure(400, "BadRequest", "the request body is not JSON"));
    return reply(op.apply(body));
  }

  private static SandboxStore.Query query(ResourcePath p, String query) {
    String labels = queryParam(query, "labelSelector");
    String fields = queryParam(query, "fieldSelector");
    return new SandboxStore.Query(p.resource(), p.resource().namespaced() ? p.namespace() : null, null,
        labels == null || labels.isEmpty() ? null : LabelQuery.parse(labels),
        fields == null || fields.isEmpty() ? null : FieldSelector.parse(fields));
  }

  private MockResponse watch(SandboxStore.Query q, String fromVersion) {
    WatchSocket socket = new WatchSocket();
    socket.cancelWith(store.watch(q, fromVersion, socket));
    return new MockResponse().withWebSocketUpgrade(socket);
  }

  private MockResponse reply(SandboxStore.Reply r) {
    return new MockResponse().setResponseCode(r.code()).setHeader("Content-Type", JSON)
        .setBody(r.text() != null ? r.text().getBytes(java.nio.charset.StandardCharsets.UTF_8) : json.writeValueAsBytes(r.body()));
  }

  @Override
  public void shutdown() {}

  private static boolean isWatch(String query) {
    String w = queryParam(query, "watch");
    return w != null && (w.equals("true") || w.equals("1"));
  }

  static String queryParam(String query, String name) {
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      if (k.equals(name)) return eq < 0 ? "" : kv.substring(eq + 1);
    }
    return null;
  }

  private MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(body);
  }
}
