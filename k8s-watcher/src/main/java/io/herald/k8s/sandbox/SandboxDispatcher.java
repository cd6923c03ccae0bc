package io.herald.k8s.sandbox;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Wraps the fabric8 mixed (expectations, then CRUD) dispatcher so that real kubectl can use it.
 *
 * <p>Four gaps of the plain CRUD mock are closed here:
 *
 * <ol>
 *   <li>discovery ({@code /api}, {@code /apis}, group versions, {@code /version}) is served from
 *       {@link ApiResources}, so kubectl can resolve {@code svc} or {@code ipaddresspools};
 *   <li>every response with a body gets {@code Content-Type: application/json}; without it client-go
 *       asks for protobuf and then decodes the JSON as protobuf;
 *   <li>list responses get their typed kind ({@code EventList}, not {@code List}), otherwise the
 *       typed decoder in kubectl silently yields no items;
 *   <li>field selectors on lists are evaluated here, since the mock only knows name and namespace;
 *   <li>a JSON merge patch's {@code null} removes the member (RFC 7386 section 2), as the API
 *       server does; the mock stores the {@code null} instead, which no Kubernetes client expects
 *       (an annotation with a null value).
 * </ol>
 */
final class SandboxDispatcher extends Dispatcher {

  private static final String JSON = "application/json";

  private final Dispatcher delegate;
  private final JsonMapper json;
  private final Map<String, String> discovery;
  private final String version;

  SandboxDispatcher(Dispatcher delegate, JsonMapper json, Map<String, String> discovery) {
    this.delegate = delegate;
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
    boolean get = request.method() == HttpMethod.GET;

    if (get && discovery.containsKey(rawPath)) return json(200, discovery.get(rawPath));
    if (get && rawPath.equals("/version")) return json(200, version);
    if (rawPath.startsWith("/openapi/")) {
      return json(404, status(404, "NotFound", "the sandbox API serves no OpenAPI documents"));
    }

    Optional<ResourcePath> resource = ResourcePath.parse(rawPath);
    boolean list = get && resource.isPresent() && resource.get().isCollection() && !isWatch(query);
    FieldSelector selector = null;
    RecordedRequest forwarded = request;
    if (list) {
      String encoded = queryParam(query, "fieldSelector");
      if (encoded != null) {
        try {
          selector = FieldSelector.parse(encoded);
        } catch (IllegalArgumentException e) {
          return json(400, status(400, "BadRequest", e.getMessage()));
        }
        String rest = withoutParam(query, "fieldSelector");
        forwarded =
            new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                rest.isEmpty() ? rawPath : rawPath + "?" + rest,
                request.getHeaders(),
                request.getBody());
      }
    }

    MockResponse response = isMergePatch(request) && resource.isPresent() && !rawPath.endsWith("/status")
        ? mergePatch(request).orElseGet(() -> delegate.dispatch(request))
        : delegate.dispatch(forwarded);
    if (response.getWebSocketListener() != null || response.getBody() == null) return response;
    if (list && response.code() == 200) {
      byte[] rewritten = typedList(response.getBody().getBytes(), resource.get().resource(), selector);
      if (rewritten != null) {
        response.removeHeader("Content-Length");
        response.setBody(rewritten);
      }
    }
    if (response.header("Content-Type") == null) response.setHeader("Content-Type", JSON);
    return response;
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  /** Gives a generic {@code List} its typed kind and filters its items; null if not a list. */
  private byte[] typedList(byte[] body, ApiResource type, FieldSelector selector) {
    JsonNode tree;
    try {
      tree = json.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
    if (!(tree instanceof ObjectNode list) || !(list.get("items") instanceof ArrayNode items)) {
      return null;
    }
    list.put("kind", type.kind() + "List");
    list.put("apiVersion", type.apiVersion());
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode item : items) {
      if (item instanceof ObjectNode o) {
        if (!o.has("kind")) o.put("kind", type.kind());
        if (!o.has("apiVersion")) o.put("apiVersion", type.apiVersion());
      }
      if (selector == null || selector.matches(item)) kept.add(item);
    }
    items.removeAll();
    kept.forEach(items::add);
    if (!list.has("metadata")) list.putObject("metadata");
    return json.writeValueAsBytes(list);
  }

  private static boolean isMergePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return request.method() == HttpMethod.PATCH && type != null && type.startsWith("application/merge-patch+json");
  }

  /**
   * A JSON merge patch applied here (RFC 7386 section 2) and stored with a PUT of the result, so
   * that a {@code null} removes the member; empty when the object cannot be read (the mock then
   * answers the PATCH itself, e.g. with 404).
   */
  private Optional<MockResponse> mergePatch(RecordedRequest request) {
    var none = new io.fabric8.mockwebserver.http.Buffer();
    MockResponse current = delegate.dispatch(
        new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, request.getPath(), request.getHeaders(), none));
    if (current.code() != 200 || current.getBody() == null) return Optional.empty();
    JsonNode merged;
    try {
      merged = merge(json.readTree(current.getBody().getBytes()), json.readTree(request.getBody().getBytes()));
    } catch (JacksonException e) {
      return Optional.of(json(400, status(400, "BadRequest", "invalid merge patch: " + e.getOriginalMessage())));
    }
    removeNulls(merged);
    // The stored version was read just now; a merge patch without one of its own applies to
    // whatever is stored, as on the API server, so a write in between must not fail it.
    JsonNode patchVersion = readPatchVersion(request);
    if (merged.get("metadata") instanceof ObjectNode meta && patchVersion == null) meta.remove("resourceVersion");
    return Optional.of(delegate.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT,
        request.getPath(), request.getHeaders(), new io.fabric8.mockwebserver.http.Buffer(json.writeValueAsBytes(merged)))));
  }

  private JsonNode readPatchVersion(RecordedRequest request) {
    try {
      JsonNode v = json.readTree(request.getBody().getBytes()).path("metadata").get("resourceVersion");
      return v == null || v.isNull() ? null : v;
    } catch (JacksonException e) {
      return null;
    }
  }

  /** RFC 7386 MergePatch(target, patch). */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!(patch instanceof ObjectNode p)) return patch;
    ObjectNode t = target instanceof ObjectNode o ? o : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (var e : p.properties()) {
      if (e.getValue().isNull()) t.remove(e.getKey());
      else t.set(e.getKey(), merge(t.get(e.getKey()), e.getValue()));
    }
    return t;
  }

  /** Removes every null member of every object in {@code node}; whether any was removed. */
  static boolean removeNulls(JsonNode node) {
    boolean removed = false;
    if (node instanceof ObjectNode o) {
      List<String> nulls = new ArrayList<>();
      for (var e : o.properties()) {
        if (e.getValue().isNull()) nulls.add(e.getKey());
        else removed |= removeNulls(e.getValue());
      }
      nulls.forEach(o::remove);
      removed |= !nulls.isEmpty();
    } else if (node instanceof ArrayNode a) {
      for (JsonNode item : a) removed |= removeNulls(item);
    }
    return removed;
  }

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

  static String withoutParam(String query, String name) {
    List<String> kept = new ArrayList<>();
    for (String kv : query.split("&")) {
      if (kv.isEmpty() || kv.equals(name) || kv.startsWith(name + "=")) continue;
      kept.add(kv);
    }
    return String.join("&", kept);
  }

  private MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(body);
  }

  private String status(int code, String reason, String message) {
    ObjectNode s = json.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    s.put("code", code);
    return json.writeValueAsString(s);
  }
}
