package io.herald.node.http;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.Allocation;
import io.herald.allocator.pool.PoolUsage;
import io.herald.allocator.pool.ServiceKey;
import io.herald.node.HeraldNode;
import io.herald.node.announce.NodeAnnouncements;
import io.herald.node.ip.IpOwnerEntity;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The data behind the management API, as plain maps and lists ready for JSON: this node's peers,
 * every node's announcement decisions joined with the cluster-wide allocations, pool usage, and the
 * MetalLB-named metrics.
 */
public final class NodeApi {
  private static final Duration ASK = Duration.ofSeconds(3);

  private final HeraldNode node;
  private final ActorSystem<?> system;

  public NodeApi(HeraldNode node) {
    this.node = node;
    this.system = node.system();
  }

  /** This node's announcer status. */
  public CompletionStage<NodeAnnouncements.Status> localStatus() {
    return ask(node.announcements(), NodeAnnouncements.GetStatus::new);
  }

  /**
   * An ask whose later stages run on the actor system's dispatcher. Pekko's ask stage runs every
   * stage asynchronously, by default on the common pool, which with one or two CPUs starts a new
   * thread per stage.
   */
  private <Q, R> CompletableFuture<R> ask(
      RecipientRef<Q> to, org.apache.pekko.japi.function.Function<ActorRef<R>, Q> message) {
    CompletableFuture<R> out = new CompletableFuture<>();
    AskPattern.ask(to, message, ASK, system.scheduler()).whenCompleteAsync((r, e) -> {
      if (e == null) out.complete(r);
      else out.completeExceptionally(e);
    }, system.executionContext());
    return out;
  }

  /** The status of every node's announcer that answers in time (unreachable nodes are left out). */
  public CompletionStage<List<NodeAnnouncements.Status>> allStatuses() {
    CompletionStage<Receptionist.Listing> listing = ask(system.receptionist(),
        r -> Receptionist.find(NodeAnnouncements.STATUS_KEY, r));
    return listing.thenCompose(l -> {
      List<CompletableFuture<Optional<NodeAnnouncements.Status>>> asks = new ArrayList<>();
      for (ActorRef<NodeAnnouncements.Command> ref : l.getServiceInstances(NodeAnnouncements.STATUS_KEY)) {
        asks.add(this.<NodeAnnouncements.Command, NodeAnnouncements.Status>ask(ref, NodeAnnouncements.GetStatus::new)
            .thenApply(Optional::of).exceptionally(e -> Optional.empty()));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
        List<NodeAnnouncements.Status> out = new ArrayList<>();
        asks.forEach(a -> a.join().ifPresent(out::add));
        out.sort((a, b) -> a.node().compareTo(b.node()));
        return out;
      });
    });
  }

  public CompletionStage<List<Map<String, Object>>> peers() {
    Instant now = Instant.now();
    return localStatus().thenApply(s -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (NodeAnnouncements.PeerStatus p : s.peers()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("address", p.address());
        m.put("port", p.port());
        m.put("asn", p.asn());
        m.put("state", p.state());
        m.put("since", p.since().toString());
        m.put("uptimeSeconds", p.state().equals("Established") ? Duration.between(p.since(), now).toSeconds() : 0);
        m.put("prefixesSent", p.prefixesAnnounced());
        m.put("updatesSent", p.updatesSent());
        m.put("routesDesired", p.routesDesired());
        m.put("lastNotification", p.lastDown());
        out.add(m);
      }
      return out;
    });
  }

  /**
   * Every Service the cluster knows: its IPs and pool (from the IP owner), and per node whether it
   * announces and why not, and to which peers it is advertised.
   */
  public CompletionStage<List<Map<String, Object>>> services() {
    CompletionStage<IpOwnerEntity.Snapshot> owner = node.allocations().snapshot();
    return owner.thenCombine(allStatuses(), (snap, statuses) -> {
      Map<ServiceKey, Map<String, Object>> byKey = new TreeMap<>();
      for (Allocation a : snap.allocations()) {
        entry(byKey, a.service(), a.pool(), a.ips());
      }
      for (NodeAnnouncements.Status s : statuses) {
        for (NodeAnnouncements.ServiceStatus svc : s.services()) {
          Map<String, Object> e = entry(byKey, svc.service(), svc.pool(), svc.ips());
          Map<String, Object> n = new LinkedHashMap<>();
          n.put("node", s.node());
          n.put("announce", svc.announce());
          n.put("reason", svc.reason());
          n.put("advertisedTo", svc.advertisedTo());
          @SuppressWarnings("unchecked")
          List<Object> nodes = (List<Object>) e.get("nodes");
          nodes.add(n);
        }
      }
      return new ArrayList<>(byKey.values());
    });
  }

  private static Map<String, Object> entry(Map<ServiceKey, Map<String, Object>> byKey, ServiceKey k, String pool,
      List<IpAddress> ips) {
    return byKey.computeIfAbsent(k, key -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespace", key.namespace());
      m.put("name", key.name());
      m.put("ips", ips.stream().map(IpAddress::toString).toList());
      m.put("pool", pool);
      m.put("nodes", new ArrayList<>());
      return m;
    });
  }

  public CompletionStage<List<Map<String, Object>>> pools() {
    return node.allocations().snapshot().thenApply(snap -> {
      Map<String, IpOwnerEntity.PoolSize> sizes = new TreeMap<>();
      snap.sizes().forEach(s -> sizes.put(s.pool(), s));
      List<Map<String, Object>> out = new ArrayList<>();
      for (PoolUsage u : snap.pools()) {
        IpOwnerEntity.PoolSize size = sizes.get(u.pool());
        BigInteger v4 = new BigInteger(size.ipv4());
        BigInteger v6 = new BigInteger(size.ipv6());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.pool());
        m.put("size", v4.add(v6).toString());
        m.put("used", u.assignedIPv4() + u.assignedIPv6());
        m.put("ipv4", Map.of("size", v4.toString(), "used", u.assignedIPv4()));
        m.put("ipv6", Map.of("size", v6.toString(), "used", u.assignedIPv6()));
        out.add(m);
      }
      return out;
    });
  }

  /** Prometheus text with MetalLB's names, so existing dashboards and alerts keep working. */
  public CompletionStage<String> metrics() {
    CompletionStage<Optional<IpOwnerEntity.Snapshot>> owner = node.allocations().snapshot().toCompletableFuture()
        .thenApply(Optional::of).exceptionally(e -> Optional.empty());
    return owner.thenCombine(localStatus(), (snap, status) -> {
      MetricsText t = new MetricsText();
      t.family("metallb_allocator_addresses_in_use_total", "gauge", "Number of IP addresses in use, per pool");
      t.family("metallb_allocator_addresses_total", "gauge", "Number of usable IP addresses, per pool");
      snap.ifPresent(s -> {
        Map<String, IpOwnerEntity.PoolSize> sizes = new TreeMap<>();
        s.sizes().forEach(z -> sizes.put(z.pool(), z));
        for (PoolUsage u : s.pools()) {
          t.sample("metallb_allocator_addresses_in_use_total", u.assignedIPv4() + u.assignedIPv6(), "pool", u.pool());
          IpOwnerEntity.PoolSize z = sizes.get(u.pool());
          double total = new BigInteger(z.ipv4()).add(new BigInteger(z.ipv6())).doubleValue();
          t.sample("metallb_allocator_addresses_total", total, "pool", u.pool());
        }
      });
      t.family("metallb_bgp_session_up", "gauge", "BGP session state (1 is up, 0 is down)");
      t.family("metallb_bgp_updates_total", "counter", "Number of BGP UPDATE messages sent");
      t.family("metallb_bgp_announced_prefixes_total", "gauge", "Number of prefixes currently being advertised on the BGP session");
      for (NodeAnnouncements.PeerStatus p : status.peers()) {
        String peer = p.address().contains(":") ? "[" + p.address() + "]:" + p.port() : p.address() + ":" + p.port();
        t.sample("metallb_bgp_session_up", p.state().equals("Established") ? 1 : 0, "peer", peer);
        t.sample("metallb_bgp_updates_total", p.updatesSent(), "peer", peer);
        t.sample("metallb_bgp_announced_prefixes_total", p.prefixesAnnounced(), "peer", peer);
      }
      t.family("metallb_speaker_announced", "gauge", "Services being announced from this node");
      for (NodeAnnouncements.ServiceStatus s : status.services()) {
        if (s.announce() && !s.advertisedTo().isEmpty()) {
          for (IpAddress ip : s.ips()) {
            t.sample("metallb_speaker_announced", 1, "ip", ip.toString(), "node", status.node(), "protocol", "bgp",
                "service", s.service().toString());
          }
        }
      }
      node.l2Counters().render(t);
      t.family("metallb_k8s_client_config_loaded_bool", "gauge", "1 if the configuration was loaded successfully");
      t.sample("metallb_k8s_client_config_loaded_bool", node.readiness().conditions()
          .getOrDefault(io.herald.node.Readiness.CONFIG_LOADED, false) ? 1 : 0);
      t.family("metallb_k8s_client_config_stale_bool", "gauge", "1 if running on a stale configuration because the latest failed to load");
      t.sample("metallb_k8s_client_config_stale_bool", node.configStale() ? 1 : 0);
      return t.render();
    });
  }
}
