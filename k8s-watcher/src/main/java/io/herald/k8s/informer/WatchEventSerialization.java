package io.herald.k8s.informer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * fabric8's serialization with a direct way through watch events, the node's most frequent input:
 * every Service, EndpointSlice and Node change reaches the informers as one.
 *
 * <p>fabric8 reads a watch event's {@code object} as any Kubernetes resource: it builds a JSON
 * tree, looks up the class by {@code apiVersion} and {@code kind}, and converts the tree to it, so
 * every event is parsed twice and held twice. Here the event's text is first scanned for its
 * {@code type} and the object's {@code apiVersion} and {@code kind} (tokens only, no objects),
 * then bound in one pass to the class fabric8 would have chosen, with fabric8's own mapper and
 * modules: the same object, for about a third of the work. This is done for the kinds a node
 * watches with model classes (Services, EndpointSlices, Nodes, Namespaces, ConfigMaps), from a
 * table of their own: fabric8's registry of every kind is built by scanning the class path, which
 * costs a node a few hundred milliseconds of CPU when its informers start. Anything else (an
 * ERROR event with its Status, a BOOKMARK, another kind such as the metallb.io resources, text
 * that does not parse) takes fabric8's way, unchanged.
 */
public final class WatchEventSerialization extends KubernetesSerialization {

  private static final Set<String> OBJECT_EVENTS = Set.of("ADDED", "MODIFIED", "DELETED");

  /** Only tokenizes, for {@link #head}; shared, as mappers are immutable. */
  private static final ObjectMapper SCANNER = new tools.jackson.databind.json.JsonMapper();

  /** The kinds read directly, by {@code apiVersion/kind}: the classes fabric8 registers for them. */
  private static final Map<String, Class<? extends HasMetadata>> DIRECT = Map.of(
      "v1/Service", Service.class,
      "discovery.k8s.io/v1/EndpointSlice", EndpointSlice.class,
      "v1/Node", Node.class,
      "v1/Namespace", Namespace.class,
      "v1/ConfigMap", ConfigMap.class);

  /**
   * fabric8's configured mapper, captured in {@link #configureMapper} while the superclass
   * constructor runs; deliberately without an initializer, which would run after and clear it.
   */
  private ObjectMapper mapper;
  /** One reader per resource class, for {@code Typed<that class>}. */
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

  /** A watch event bound directly: its type and its object of a known class. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Typed<T> {
    public String type;
    public T object;
  }

  /**
   * A client for {@code config} that reads watch events this way, on the process's shared
   * {@link ClientRuntime}: the client a node uses.
   */
  public static KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(new WatchEventSerialization())
        .withHttpClientFactory(new Vertx5HttpClientFactory(ClientRuntime.vertx()))
        .withTaskExecutor(ClientRuntime.tasks())
        .build();
  }

  @Override
  protected ObjectMapper configureMapper(ObjectMapper given) {
    ObjectMapper configured = super.configureMapper(given);
    mapper = configured;
    return configured;
  }

  @Override
  public <T> T unmarshal(String text, Class<T> type) {
    if (type == WatchEvent.class) {
      WatchEvent direct = direct(text);
      if (direct != null) return type.cast(direct);
    }
    return super.unmarshal(text, type);
  }

  /** The event bound in one pass, or null when fabric8's way must read it. */
  WatchEvent direct(String text) {
    Head head = head(text);
    if (head == null || !OBJECT_EVENTS.contains(head.type())) return null;
    Class<? extends HasMetadata> cls = DIRECT.get(head.apiVersion() + "/" + head.kind());
    if (cls == null) return null;
    try {
      Typed<?> t = readers.computeIfAbsent(cls,
          c -> mapper.readerFor(mapper.getTypeFactory().constructParametricType(Typed.class, c))).readValue(text);
      if (t.object == null) return null;
      WatchEvent e = new WatchEvent();
      e.setType(t.type);
      e.setObject(t.object);
      return e;
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }

  /** What decides the class: the event's type and its object's apiVersion and kind. */
  record Head(String type, String apiVersion, String kind) {}

  /** Scans the event's top level and its object's top level; null when any of the three is missing. */
  static Head head(String text) {
    String type = null;
    String apiVersion = null;
    String kind = null;
    try (JsonParser p = SCANNER.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("type") && value == JsonToken.VALUE_STRING) {
          type = p.getString();
        } else if (field.equals("object") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("kind") && v == JsonToken.VALUE_STRING) kind = p.getString();
            else if (f.equals("apiVersion") && v == JsonToken.VALUE_STRING) apiVersion = p.getString();
            else p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (JacksonException e) {
      return null;
    }
    return type == null || apiVersion == null || kind == null ? null : new Head(type, apiVersion, kind);
  }
}
