package io.herald.k8s.sandbox;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sandbox API's objects: one ordered map per resource type, keyed by namespace and name, a
 * revision counter that stamps every write as {@code metadata.resourceVersion} (one counter for
 * all types, as etcd's revision), and the recent changes, so that a watch which starts from a
 * list's resourceVersion misses nothing written in between.
 *
 * <p>Semantics follow the API server where Herald, its tests and kubectl depend on them: create
 * conflicts (409 AlreadyExists), optimistic concurrency on a stale resourceVersion (409
 * Conflict), the {@code status} subresource (a write to the object keeps its status, a write to
 * {@code /status} changes only the status, and for Services the metadata too), JSON patch (RFC
 * 6902), JSON merge patch (RFC 7386), label and field selectors, and watches from a
 * resourceVersion (410 Gone when it is older than the kept changes) or from now with the current
 * objects first. Every operation is a map lookup;
 * the fabric8 CRUD mock it replaces scanned every stored object on each request, which made a
 * sandbox with 10,000 Services answer a few requests a second.
 *
 * <p>Not done: admission, defaulting, schema validation, finalizers and graceful deletion,
 * owner references and garbage collection, strategic merge (treated as a merge patch) and
 * server-side apply (refused with 415).
 */
final class SandboxStore {

  /** Changes kept for watches that resume from a resourceVersion. */
  static final int HISTORY = 50_000;

  /**
   * An answer: HTTP status and JSON body, with the body's text when the store already wrote it
   * (a written object is serialized once, for its watch event and its answer).
   */
  record Reply(int code, JsonNode body, String text) {
    Reply(int code, JsonNode body) {
      this(code, body, null);
    }
  }

  /** Where a watch's events go, as JSON text frames; {@link #close()} ends the watch. */
  interface Sink {
    void send(String text);

    void close();
  }

  /** What a list or watch selects. Null members select everything. */
  record Query(ApiResource type, String namespace, String name, LabelQuery labels, FieldSelector fields) {
    boolean matches(ApiResource t, JsonNode o) {
      if (!t.equals(type)) return false;
      JsonNode meta = o.path("metadata");
      if (namespace != null && !namespace.equals(meta.path("namespace").asString(""))) return false;
      if (name != null && !name.equals(meta.path("name").asString(""))) return false;
      if (labels != null && !labels.matches(o)) return false;
      return fields == null || fields.matches(o);
    }
  }

  /** How a PATCH body is applied. */
  enum PatchKind { JSON, MERGE }

  private record Change(long revision, ApiResource type, ObjectNode object, String frame) {}

  private record Watch(Query query, Sink sink) {}

  /**
   * Sees each change of one type in the process, as it is stored: the event type and the stored
   * object, under the store's lock (read it, never change or keep it).
   */
  private record Observing(ApiResource type, BiConsumer<String, ObjectNode> observer) {}

  private final JsonMapper json;
  private final Map<ApiResource, Table> objects = new HashMap<>();
  private final ArrayDeque<Change> history = new ArrayDeque<>();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final List<Observing> observers = new CopyOnWriteArrayList<>();
  private long revision;

  SandboxStore(JsonMapper json) {
    this.json = json;
  }

  private Table of(ApiResource type) {
    return objects.computeIfAbsent(type, t -> new Table());
  }

  /**
   * The objects of one resource, by key ({@code namespace/name}, or the name): a hash for the
   * lookups every request makes, and the keys in order for lists, which Kubernetes returns
   * ordered by key. A write that replaces an object touches only the hash; the ordered keys change
   * only when objects come or go. (One sorted map alone cost 15 string comparisons per lookup at
   * 10,000 objects, on every get, create and patch.)
   */
  private static final class Table {
    private final Map<String, Stored> byKey = new HashMap<>();
    private final NavigableSet<String> keys = new TreeSet<>();

    ObjectNode get(String key) {
      Stored s = byKey.get(key);
      return s == null ? null : s.object();
    }

    Stored stored(String key) {
      return byKey.get(key);
    }

    boolean containsKey(String key) {
      return byKey.containsKey(key);
    }

    void put(String key, Stored s) {
      if (byKey.put(key, s) == null) keys.add(key);
    }

    ObjectNode remove(String key) {
      Stored s = byKey.remove(key);
      if (s == null) return null;
      keys.remove(key);
      return s.object();
    }

    /** Every object, in key order. */
    Iterable<Stored> values() {
      return inOrder(keys);
    }

    /** The objects of one namespace, in key order: keys are "namespace/name", one contiguous range. */
    Iterable<Stored> inNamespace(String namespace) {
      return inOrder(keys.subSet(namespace + "/", true, namespace + "0", false));
    }

    private Iterable<Stored> inOrder(java.util.SortedSet<String> range) {
      return () -> range.stream().map(byKey::get).iterator();
    }
  }

  /**
   * An object and its JSON text, written once when it was stored: reads, lists and a new watch's
   * first events answer with the text instead of writing the object again (a list of 10,000
   * Services is one large answer, written on the server's one thread while the client waits).
   */
  private record Stored(ObjectNode object, String text) {}

  private static String key(ApiResource type, String namespace, String name) {
    return type.namespaced() ? namespace + "/" + name : name;
  }

  // ---- reads

  synchronized Reply get(ApiResource type, String namespace, String name) {
    Stored s = of(type).stored(key(type, namespace, name));
    return s == null ? notFound(type, name) : new Reply(200, s.object(), s.text());
  }

  synchronized Reply list(Query q) {
    ObjectNode list = json.createObjectNode();
    list.put("kind", q.type().kind() + "List");
    list.put("apiVersion", q.type().apiVersion());
    list.putObject("metadata").put("resourceVersion", Long.toString(revision));
    ArrayNode items = list.putArray("items");
    // The answer's text: the list's own fields as Jackson writes them, then each item's stored text.
    String head = json.writeValueAsString(list);
    StringBuilder text = new StringBuilder(head.substring(0, head.length() - 2)); // without the closing "]}" of the empty items
    for (Stored s : scope(q)) {
      if (!q.matches(q.type(), s.object())) continue;
      if (!items.isEmpty()) text.append(',');
      items.add(s.object());
      text.append(s.text());
    }
    text.append("]}");
    return new Reply(200, list, text.toString());
  }

  /** The objects of the query's type in its namespace (all of them for a cluster-wide query). */
  private Iterable<Stored> scope(Query q) {
    Table all = of(q.type());
    if (!q.type().namespaced() || q.namespace() == null) return all.values();
    return all.inNamespace(q.namespace());
  }

  // ---- writes

  synchronized Reply create(ApiResource type, String namespace, JsonNode body) {
    if (!(body instanceof ObjectNode in)) return failure(400, "BadRequest", "the body is not a JSON object");
    ObjectNode o = in.deepCopy();
    ObjectNode meta = o.get("metadata") instanceof ObjectNode m ? m : o.putObject("metadata");
    String name = meta.path("name").asString("");
    if (name.isEmpty()) {
      String prefix = meta.path("generateName").asString("");
      if (prefix.isEmpty()) return invalid(type, "", "metadata.name: Required value: name or generateName is required");
      do {
        name = prefix + UUID.randomUUID().toString().substring(0, 5);
      } while (of(type).containsKey(key(type, namespace, name)));
      meta.put("name", name);
    }
    if (type.namespaced()) {
      String own = meta.path("namespace").asString("");
      if (namespace == null) return failure(400, "BadRequest", "a namespaced object must be created in a namespace");
      if (!own.isEmpty() && !own.equals(namespace)) {
        return failure(400, "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    String key = key(type, namespace, name);
    if (of(type).containsKey(key)) {
      return failure(409, "AlreadyExists", type.plural() + " \"" + name + "\" already exists");
    }
    o.put("kind", type.kind());
    o.put("apiVersion", type.apiVersion());
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    meta.put("generation", 1L);
    return store(type, key, o, "ADDED", 201);
  }

  /** PUT of the object ({@code statusOnly} false) or of its {@code /status}. */
  synchronized Reply replace(ApiResource type, String namespace, String name, boolean statusOnly, JsonNode body) {
    if (!(body instanceof ObjectNode in)) return failure(400, "BadRequest", "the body is not a JSON object");
    ObjectNode current = of(type).get(key(type, namespace, name));
    if (current == null) return notFound(type, name);
    String bodyName = in.path("metadata").path("name").asString("");
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      return failure(400, "BadRequest", "the name of the object (" + bodyName + ") does not match the name on the URL ("
          + name + ")");
    }
    Reply stale = staleVersion(type, name, current, in);
    if (stale != null) return stale;
    return update(type, namespace, name, current, in.deepCopy(), statusOnly);
  }

  synchronized Reply patch(ApiResource type, String namespace, String name, boolean statusOnly, PatchKind kind,
      JsonNode patch) {
    ObjectNode current = of(type).get(key(type, namespace, name));
    if (current == null) return notFound(type, name);
    JsonNode patched;
    try {
      patched = switch (kind) {
        // RFC 6902 section 4.2: removing a location that does not exist is an error
        case JSON -> io.fabric8.zjsonpatch.JsonPatch.apply(patch, current.deepCopy(),
            java.util.EnumSet.of(io.fabric8.zjsonpatch.CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT));
        case MERGE -> merge(current.deepCopy(), patch);
      };
    } catch (RuntimeException e) {
      return failure(422, "Invalid", "the patch cannot be applied: " + e.getMessage());
    }
    if (!(patched instanceof ObjectNode o)) return failure(422, "Invalid", "the patch does not leave an object");
    // A patch that names a resourceVersion asks for optimistic concurrency; one that does not
    // applies to whatever is stored.
    if (kind == PatchKind.MERGE) {
      Reply stale = staleVersion(type, name, current, patch);
      if (stale != null) return stale;
    }
    return update(type, namespace, name, current, o, statusOnly);
  }

  private Reply staleVersion(ApiResource type, String name, ObjectNode current, JsonNode in) {
    JsonNode v = in.path("metadata").get("resourceVersion");
    if (v == null || v.isNull() || v.asString("").isEmpty()) return null;
    if (v.asString().equals(current.path("metadata").path("resourceVersion").asString())) return null;
    return failure(409, "Conflict", "Operation cannot be fulfilled on " + type.plural() + " \"" + name
        + "\": the object has been modified; please apply your changes to the latest version and try again");
  }

  private Reply update(ApiResource type, String namespace, String name, ObjectNode current, ObjectNode next,
      boolean statusOnly) {
    ObjectNode o;
    if (statusOnly && statusWritesMetadata(type)) {
      // The Service status strategy resets only the spec: labels, annotations and finalizers sent
      // to /status are kept (Kubernetes' own service controller patches finalizers that way).
      o = next;
      if (current.has("spec")) o.set("spec", current.get("spec"));
      else o.remove("spec");
    } else if (statusOnly) {
      if (!type.hasStatus()) return notFound(type, name);
      o = current.deepCopy();
      JsonNode status = next.get("status");
      if (status == null || status.isNull()) o.remove("status");
      else o.set("status", status);
    } else {
      o = next;
      // with a status subresource the object's own endpoint leaves the status alone
      if (type.hasStatus()) {
        if (current.has("status")) o.set("status", current.get("status"));
        else o.remove("status");
      }
    }
    ObjectNode meta = o.get("metadata") instanceof ObjectNode m ? m : o.putObject("metadata");
    ObjectNode was = (ObjectNode) current.get("metadata");
    for (String kept : List.of("name", "namespace", "uid", "creationTimestamp")) {
      if (was.has(kept)) meta.set(kept, was.get(kept));
      else meta.remove(kept);
    }
    long generation = was.path("generation").asLong(1);
    meta.put("generation", Objects.equals(current.get("spec"), o.get("spec")) ? generation : generation + 1);
    o.put("kind", type.kind());
    o.put("apiVersion", type.apiVersion());
    removeNulls(o);
    // No change: no new version, no event. Compared with the current version put in place, so
    // that the stored object need not be copied.
    meta.set("resourceVersion", was.get("resourceVersion"));
    boolean same = current.equals(o);
    meta.remove("resourceVersion");
    if (same) return new Reply(200, current);
    return store(type, key(type, namespace, name), o, "MODIFIED", 200);
  }

  synchronized Reply delete(ApiResource type, String namespace, String name) {
    ObjectNode o = of(type).remove(key(type, namespace, name));
    if (o == null) return notFound(type, name);
    ObjectNode gone = o.deepCopy();
    ((ObjectNode) gone.get("metadata")).put("resourceVersion", Long.toString(++revision));
    record(type, "DELETED", gone, frame("DELETED", json.writeValueAsString(gone)));
    return new Reply(200, gone);
  }

  /** DELETE of a collection: every object the query selects; the deleted objects as a list. */
  synchronized Reply deleteAll(Query q) {
    List<ObjectNode> chosen = new ArrayList<>();
    for (Stored s : scope(q)) {
      if (q.matches(q.type(), s.object())) chosen.add(s.object());
    }
    ObjectNode list = json.createObjectNode();
    list.put("kind", q.type().kind() + "List");
    list.put("apiVersion", q.type().apiVersion());
    ArrayNode items = list.putArray("items");
    for (ObjectNode o : chosen) {
      JsonNode meta = o.path("metadata");
      items.add(delete(q.type(), meta.path("namespace").asString(null), meta.path("name").asString()).body());
    }
    list.putObject("metadata").put("resourceVersion", Long.toString(revision));
    return new Reply(200, list);
  }

  private Reply store(ApiResource type, String key, ObjectNode o, String event, int code) {
    ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(++revision));
    String text = json.writeValueAsString(o);
    of(type).put(key, new Stored(o, text));
    record(type, event, o, frame(event, text));
    return new Reply(code, o, text);
  }

  private void record(ApiResource type, String event, ObjectNode o, String frame) {
    history.addLast(new Change(revision, type, o, frame));
    while (history.size() > HISTORY) history.removeFirst();
    for (Observing w : observers) {
      if (w.type().equals(type)) w.observer().accept(event, o);
    }
    for (Watch w : watches) {
      if (w.query().matches(type, o)) w.sink().send(frame);
    }
  }

  /** A watch event around an object already written as JSON text. */
  private static String frame(String event, String objectJson) {
    return "{\"type\":\"" + event + "\",\"object\":" + objectJson + "}";
  }

  private String frame(String event, JsonNode object) {
    ObjectNode e = json.createObjectNode();
    e.put("type", event);
    e.set("object", object);
    return json.writeValueAsString(e);
  }

  // ---- watches

  /**
   * Starts a watch. {@code fromVersion} null or {@code "0"}: the objects the query selects now, as
   * ADDED events, then every change; a version: every change after it, or a 410 Gone error event
   * when changes that old are no longer kept (the client lists again).
   *
   * @return a handle that ends the watch
   */
  synchronized Runnable watch(Query q, String fromVersion, Sink sink) {
    long from;
    try {
      from = fromVersion == null || fromVersion.isEmpty() ? 0 : Long.parseLong(fromVersion);
    } catch (NumberFormatException e) {
      sink.send(frame("ERROR", failure(400, "BadRequest", "invalid resourceVersion: " + fromVersion).body()));
      sink.close();
      return () -> {};
    }
    if (from == 0) {
      for (Stored s : scope(q)) {
        if (q.matches(q.type(), s.object())) sink.send(frame("ADDED", s.text()));
      }
    } else if (from < revision) {
      long oldestKept = history.isEmpty() ? revision + 1 : history.peekFirst().revision();
      if (from + 1 < oldestKept) {
        sink.send(frame("ERROR", failure(410, "Expired", "too old resource version: " + from + " (" + oldestKept + ")").body()));
        sink.close();
        return () -> {};
      }
      for (Change c : history) {
        if (c.revision() > from && q.matches(c.type(), c.object())) sink.send(c.frame());
      }
    }
    Watch w = new Watch(q, sink);
    watches.add(w);
    return () -> watches.remove(w);
  }

  /** Starts observing every later change of {@code type}; the handle stops it. */
  Runnable observe(ApiResource type, BiConsumer<String, ObjectNode> observer) {
    Observing w = new Observing(type, observer);
    observers.add(w);
    return () -> observers.remove(w);
  }

  int watchCount() {
    return watches.size();
  }

  // ---- helpers

  /**
   * Whether a write to the type's {@code /status} also writes metadata. For core Services it does
   * (their status strategy resets only the spec); for custom resources, and in this sandbox for
   * every other type, only the status is taken.
   */
  private static boolean statusWritesMetadata(ApiResource type) {
    return type.group().isEmpty() && type.plural().equals("services");
  }

  /** RFC 7386 section 2, MergePatch(target, patch). */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!(patch instanceof ObjectNode p)) return patch;
    ObjectNode t = target instanceof ObjectNode o ? o : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (var e : p.properties()) {
      if (e.getValue().isNull()) t.remove(e.getKey());
      else t.set(e.getKey(), merge(t.get(e.getKey()), e.getValue()));
    }
    return t;
  }

  /** Removes every null member of every object in {@code node}. */
  static void removeNulls(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> nulls = new ArrayList<>();
      for (var e : o.properties()) {
        if (e.getValue().isNull()) nulls.add(e.getKey());
        else removeNulls(e.getValue());
      }
      nulls.forEach(o::remove);
    } else if (node instanceof ArrayNode a) {
      for (JsonNode item : a) removeNulls(item);
    }
  }

  JsonNode parse(byte[] body) {
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  private Reply notFound(ApiResource type, String name) {
    return failure(404, "NotFound", type.plural() + " \"" + name + "\" not found");
  }

  private Reply invalid(ApiResource type, String name, String message) {
    return failure(422, "Invalid", type.kind() + " \"" + name + "\" is invalid: " + message);
  }

  Reply failure(int code, String reason, String message) {
    ObjectNode s = json.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    s.put("code", code);
    return new Reply(code, s);
  }

}
