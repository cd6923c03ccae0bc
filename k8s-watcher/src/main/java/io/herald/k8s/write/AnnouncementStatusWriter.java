package io.herald.k8s.write;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.decision.Sha256;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps MetalLB's per-node announcement status resources in step with this node's decisions:
 * one {@code ServiceBGPStatus} per Service announced over BGP (with the peers it is meant for) and
 * one {@code ServiceL2Status} per Service announced over Layer 2 (with the interfaces), in Herald's
 * namespace, labelled {@code metallb.io/node}, {@code metallb.io/service-name} and
 * {@code metallb.io/service-namespace}. They state intent, not session state, as MetalLB's do.
 *
 * <p>Objects are created when a Service starts being announced, their status replaced when the
 * peers or interfaces change, and deleted on withdrawal. Names are derived from node and Service
 * ({@code bgp-<hash>}, {@code l2-<hash>}), so a restarted node finds its own objects again. The
 * API calls for one Service run one at a time, in decision order, and only the newest decision
 * not yet written is written (a burst of decisions for one Service costs one write); different
 * Services are written side by side on a few threads. The watcher never waits for them.
 */
public final class AnnouncementStatusWriter implements AutoCloseable {

  public static final String NODE_LABEL = "metallb.io/node";
  public static final String SERVICE_NAME_LABEL = "metallb.io/service-name";
  public static final String SERVICE_NAMESPACE_LABEL = "metallb.io/service-namespace";

  static final ResourceDefinitionContext BGP_STATUSES = context("servicebgpstatuses", "ServiceBGPStatus");
  static final ResourceDefinitionContext L2_STATUSES = context("servicel2statuses", "ServiceL2Status");

  private static final Logger log = LoggerFactory.getLogger(AnnouncementStatusWriter.class);

  private static ResourceDefinitionContext context(String plural, String kind) {
    return new ResourceDefinitionContext.Builder().withGroup("metallb.io").withVersion("v1beta1")
        .withPlural(plural).withKind(kind).withNamespaced(true).build();
  }

  /** One status object this node wants to exist: which kind, for which Service, with what status. */
  record Desired(AnnounceProtocol protocol, ServiceKey service, Map<String, Object> status) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String node;
  /** The writer's key of the one-off read of existing objects. */
  private static final Object ADOPT = new Object();

  /** Requests in flight at once, as for the Service status ({@link ServiceStatusWriter#WRITERS}). */
  private final KeyedExecutor writer = new KeyedExecutor("herald-announcement-status-writer", ServiceStatusWriter.WRITERS);
  /**
   * What exists in the API, by object name: the version and what of the status was last written
   * ({@link Written}), not the whole object (a node holds one per announced Service). Written by
   * the task of its Service.
   */
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  /** One copy of each peers or interfaces list kept in {@link #written}: most Services share one. */
  private final Map<List<?>, List<?>> lists = new ConcurrentHashMap<>();
  /** The newest decision per Service whose write has not started yet. Guarded by itself. */
  private final Map<ServiceKey, Queued> queued = new HashMap<>();
  private volatile WriteTurn turn = WriteTurn.NOW;
  /** Applies wait for the objects of an earlier run to be read ({@link #adopt()}). */
  private volatile CompletableFuture<?> adopted = CompletableFuture.completedFuture(null);

  /**
   * An object in the API. Its status is kept as the one part that differs between the objects of
   * a node, the {@code peers} (or {@code interfaces}) list; {@code shown} is null when the status
   * is not one this node would write (an earlier version's, or changed by hand): it never matches.
   */
  record Written(ResourceDefinitionContext ctx, ServiceKey service, String resourceVersion, List<?> shown) {
    boolean shows(List<?> list) {
      return shown != null && shown.equals(list);
    }
  }

  /**
   * The list of {@code status} that {@link Written} keeps: its {@code peers} or {@code interfaces},
   * when the rest is what {@link #desired} writes for this node and {@code svc}; null otherwise.
   */
  private List<?> shown(Map<String, Object> status, ServiceKey svc) {
    if (status == null || status.size() != 4 || !node.equals(status.get("node"))
        || !svc.name().equals(status.get("serviceName")) || !svc.namespace().equals(status.get("serviceNamespace"))) {
      return null;
    }
    List<?> list = listIn(status);
    if (list == null) return null;
    List<?> copy = List.copyOf(list);
    List<?> known = lists.putIfAbsent(copy, copy);
    return known == null ? copy : known;
  }

  /** A status's {@code peers} or {@code interfaces} list, as it is; null when it has neither. */
  private static List<?> listIn(Map<String, Object> status) {
    Object list = status.containsKey("peers") ? status.get("peers") : status.get("interfaces");
    return list instanceof List<?> l ? l : null;
  }

  private static final class Queued {
    ServiceDecision decision;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Queued(ServiceDecision decision) {
      this.decision = decision;
    }
  }

  /**
   * @param namespace Herald's namespace, where the objects live
   * @param node this node's name
   */
  public AnnouncementStatusWriter(KubernetesClient client, String namespace, String node) {
    this.client = client;
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.node = Objects.requireNonNull(node, "node");
  }

  /**
   * Lets more urgent writes go before each Service's writes here (e.g. {@link
   * ServiceStatusWriter#firstTurn}); set before the first publish.
   */
  public AnnouncementStatusWriter turn(WriteTurn turn) {
    this.turn = Objects.requireNonNull(turn, "turn");
    return this;
  }

  /**
   * Reads this node's existing objects (left by an earlier run), so that the following decisions
   * update or delete them instead of creating duplicates.
   */
  public CompletableFuture<Integer> adopt() {
    // On the writer's own threads: the common pool starts a thread per task on one or two CPUs.
    CompletableFuture<Integer> read = writer.submit(ADOPT, () -> {
      int n = 0;
      for (var ctx : List.of(BGP_STATUSES, L2_STATUSES)) {
        for (var r : client.genericKubernetesResources(ctx).inNamespace(namespace).withLabel(NODE_LABEL, node).list().getItems()) {
          var labels = r.getMetadata().getLabels() == null ? Map.<String, String>of() : r.getMetadata().getLabels();
          ServiceKey svc = new ServiceKey(labels.getOrDefault(SERVICE_NAMESPACE_LABEL, ""), labels.getOrDefault(SERVICE_NAME_LABEL, "?"));
          @SuppressWarnings("unchecked")
          Map<String, Object> status = r.getAdditionalProperties().get("status") instanceof Map<?, ?> m
              ? (Map<String, Object>) m : null;
          written.put(r.getMetadata().getName(), new Written(ctx, svc, r.getMetadata().getResourceVersion(), shown(status, svc)));
          n++;
        }
      }
      return n;
    });
    adopted = read;
    return read;
  }

  /** Brings both status objects of {@code d.key()} in line with the decision; returns at once. */
  public CompletableFuture<Void> publish(ServiceDecision d) {
    ServiceKey key = d.key();
    Queued fresh;
    synchronized (queued) {
      Queued waiting = queued.get(key);
      if (waiting != null) {
        // Not started yet: it writes this newer decision instead (its future covers both).
        waiting.decision = d;
        return waiting.done;
      }
      if (nothingToDo(d)) return CompletableFuture.completedFuture(null);
      fresh = new Queued(d);
      queued.put(key, fresh);
    }
    writer.submit(key, () -> {
      ServiceDecision latest;
      synchronized (queued) {
        queued.remove(key, fresh);
        latest = fresh.decision;
      }
      awaitAdopted();
      turn.await();
      apply(BGP_STATUSES, key, name(AnnounceProtocol.BGP, key), desired(node, key, latest.bgp()));
      apply(L2_STATUSES, key, name(AnnounceProtocol.LAYER2, key), desired(node, key, latest.layer2()));
      return null;
    }).whenComplete((r, e) -> {
      if (e == null) fresh.done.complete(null);
      else fresh.done.completeExceptionally(e);
    });
    return fresh.done;
  }

  /**
   * A withdrawal of both protocols for a Service of which this node has no object, none being
   * written and none left from an earlier run to adopt: the first decision of every Service that
   * has no address yet. It needs no task. Checked in this order: once the Service's tasks are
   * done, what they wrote is in {@link #written}.
   */
  private boolean nothingToDo(ServiceDecision d) {
    return d.bgp() instanceof AnnounceDecision.Withdraw && d.layer2() instanceof AnnounceDecision.Withdraw
        && adopted.isDone() && !writer.busy(d.key())
        && !written.containsKey(name(AnnounceProtocol.BGP, d.key()))
        && !written.containsKey(name(AnnounceProtocol.LAYER2, d.key()));
  }

  private void awaitAdopted() {
    try {
      adopted.join();
    } catch (RuntimeException e) {
      // Reading the earlier objects failed (logged by the caller): write as if there were none.
    }
  }

  /**
   * Deletes this node's objects for Services not in {@code live}: Services deleted while this node
   * was not watching, whose withdrawal was therefore never published. Call after {@link #adopt()}
   * and a full pass of decisions.
   */
  public CompletableFuture<Integer> pruneExcept(Collection<ServiceKey> live) {
    Set<ServiceKey> keep = Set.copyOf(live);
    return adopted.handle((r, e) -> null).thenCompose(x -> {
      List<CompletableFuture<Integer>> deletes = new ArrayList<>();
      written.forEach((name, w) -> {
        if (!keep.contains(w.service())) {
          // In the Service's own order, after any write of it still running.
          deletes.add(writer.submit(w.service(), () -> {
            Written now = written.get(name);
            if (now == null || keep.contains(now.service())) return 0;
            delete(now.ctx(), name);
            return 1;
          }));
        }
      });
      return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
          .thenApply(y -> deletes.stream().mapToInt(CompletableFuture::join).sum());
    });
  }

  /** The status an Announce of {@code a} calls for; empty for a Withdraw. */
  static Optional<Map<String, Object>> desired(String node, ServiceKey svc, AnnounceDecision a) {
    if (!(a instanceof AnnounceDecision.Announce ann)) return Optional.empty();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("node", node);
    status.put("serviceName", svc.name());
    status.put("serviceNamespace", svc.namespace());
    switch (a.protocol()) {
      case BGP -> status.put("peers", ann.peers());
      // No interface list means every interface the node has; MetalLB then lists none either.
      case LAYER2 -> status.put("interfaces", ann.interfaces().stream().map(i -> Map.of("name", i)).toList());
    }
    return Optional.of(java.util.Collections.unmodifiableMap(status));
  }

  /** {@code bgp-} or {@code l2-} and 16 hex digits of SHA-256 over node and Service: stable and unique. */
  public String name(AnnounceProtocol protocol, ServiceKey svc) {
    byte[] digest = Sha256.of(node + "\n" + svc);
    String prefix = protocol == AnnounceProtocol.BGP ? "bgp-" : "l2-";
    return prefix + HexFormat.of().formatHex(digest, 0, 8);
  }

  private void apply(ResourceDefinitionContext ctx, ServiceKey svc, String name, Optional<Map<String, Object>> status) {
    Written have = written.get(name);
    try {
      if (status.isEmpty()) {
        if (have != null) delete(ctx, name);
        return;
      }
      // The desired status is always of the shape kept: compare its list as it is, keep a shared copy.
      if (have != null && have.shows(listIn(status.get()))) return;
      var ops = client.genericKubernetesResources(ctx).inNamespace(namespace);
      GenericKubernetesResource r;
      if (have != null) {
        // The status subresource reads only the name, the version and the status.
        r = new GenericKubernetesResource();
        r.setApiVersion("metallb.io/v1beta1");
        r.setKind(ctx.getKind());
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
            .withResourceVersion(have.resourceVersion()).build());
      } else {
        Map<String, Object> s = status.get();
        GenericKubernetesResource fresh = new GenericKubernetesResource();
        fresh.setApiVersion("metallb.io/v1beta1");
        fresh.setKind(ctx.getKind());
        fresh.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
            .addToLabels(NODE_LABEL, node)
            .addToLabels(SERVICE_NAME_LABEL, (String) s.get("serviceName"))
            .addToLabels(SERVICE_NAMESPACE_LABEL, (String) s.get("serviceNamespace"))
            .build());
        try {
          r = ops.resource(fresh).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) throw e;
          r = ops.withName(name).get();   // left by an earlier run that was not adopted
          if (r == null) throw e;
        }
      }
      r.setAdditionalProperty("status", status.get());
      GenericKubernetesResource updated;
      try {
        updated = ops.resource(r).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) throw e;
        // Changed behind our back (another writer, or an earlier run): take the latest version.
        GenericKubernetesResource latest = ops.withName(name).get();
        if (latest == null) throw e;
        latest.setAdditionalProperty("status", status.get());
        updated = ops.resource(latest).updateStatus();
      }
      // Keep what we meant, not the server's echo, as the comparison base.
      written.put(name, new Written(ctx, svc, updated.getMetadata().getResourceVersion(), shown(status.get(), svc)));
    } catch (KubernetesClientException e) {
      written.remove(name);
      log.warn("{} {}/{} not written: {}", ctx.getKind(), namespace, name, e.getMessage());
      throw e;
    }
  }

  private void delete(ResourceDefinitionContext ctx, String name) {
    client.genericKubernetesResources(ctx).inNamespace(namespace).withName(name).delete();
    written.remove(name);
  }

  @Override
  public void close() {
    writer.close();
  }
}
