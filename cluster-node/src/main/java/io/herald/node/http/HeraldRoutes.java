package io.herald.node.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.herald.node.HeraldNode;
import io.herald.node.NodeRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Herald's read-only routes on the Pekko Management server: {@code /api/v1/peers},
 * {@code /api/v1/services[/NS/NAME]}, {@code /api/v1/pools} and {@code /metrics}. Pekko Management
 * itself serves {@code /alive}, {@code /ready} and {@code /cluster/members}.
 */
public final class HeraldRoutes implements ManagementRouteProvider {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ExtendedActorSystem system;

  public HeraldRoutes(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return get(() -> concat(
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path("peers", () -> json(NodeApi::peers)),
            path("pools", () -> json(NodeApi::pools)),
            pathPrefix("services", () -> concat(
                pathEndOrSingleSlash(() -> json(NodeApi::services)),
                path(PathMatchers.segment().slash(PathMatchers.segment()), (ns, name) -> json(api ->
                    api.services().thenApply(all -> one(all, ns, name))))))))),
        path("metrics", () -> withApi(api -> onComplete(api.metrics(), t -> t.isSuccess()
            ? complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, t.get()))
            : complete(StatusCodes.SERVICE_UNAVAILABLE, t.failed().get().toString()))))));
  }

  private static Optional<Object> one(List<Map<String, Object>> all, String ns, String name) {
    return all.stream().filter(m -> ns.equals(m.get("namespace")) && name.equals(m.get("name")))
        .map(m -> (Object) m).findFirst();
  }

  private Route withApi(Function<NodeApi, Route> inner) {
    Optional<HeraldNode> node = NodeRegistry.get(Adapter.toTyped(system)).node();
    if (node.isEmpty()) {
      return complete(StatusCodes.SERVICE_UNAVAILABLE, "node starting");
    }
    return inner.apply(new NodeApi(node.get()));
  }

  /** Completes with the JSON of the value; an empty Optional is 404. */
  private Route json(Function<NodeApi, CompletionStage<?>> query) {
    return withApi(api -> onComplete(query.apply(api), t -> {
      if (t.isFailure()) {
        return complete(StatusCodes.SERVICE_UNAVAILABLE, "not available: " + t.failed().get().getMessage());
      }
      Object value = t.get();
      if (value instanceof Optional<?> o) {
        if (o.isEmpty()) {
          return complete(StatusCodes.NOT_FOUND, "not found");
        }
        value = o.get();
      }
      try {
        return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(value)));
      } catch (JsonProcessingException e) {
        return complete(StatusCodes.INTERNAL_SERVER_ERROR, e.getMessage());
      }
    }));
  }
}
