package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.herald.k8s.convert.Views;
import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
import io.herald.k8s.model.PeerView;
import io.herald.k8s.model.PoolView;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.watcher.DirtySink;
import io.herald.k8s.watcher.ServiceSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 informers Herald's watcher reads: Services, EndpointSlices and Nodes cluster-wide,
 * and IPAddressPools, BGPAdvertisements, L2Advertisements and BGPPeers in Herald's namespace.
 *
 * <p>Event handlers only tell the {@link DirtySink}; they keep no object and decide nothing. The
 * reads of {@link ServiceSource} convert the newest cached objects to views. Nodes and the
 * configuration are converted once per change, not once per Service.
 */
public final class ClusterInformers implements ServiceSource, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterInformers.class);
  private static final String BY_SERVICE = "service";

  /** Where and how long to wait. */
  public record Settings(String metallbNamespace, Duration startTimeout) {
    public static Settings defaults() {
      return new Settings("metallb-system", Duration.ofSeconds(30));
    }
  }

  static final ResourceDefinitionContext POOLS = metallb("v1beta1", "ipaddresspools", "IPAddressPool");
  static final ResourceDefinitionContext BGP_ADS = metallb("v1beta1", "bgpadvertisements", "BGPAdvertisement");
  static final ResourceDefinitionContext L2_ADS = metallb("v1beta1", "l2advertisements", "L2Advertisement");
  static final ResourceDefinitionContext PEERS = metallb("v1beta2", "bgppeers", "BGPPeer");

  private static ResourceDefinitionContext metallb(String version, String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("metallb.io").withVersion(version).withPlural(plural).withKind(kind).withNamespaced(true).build();
  }

  private final Map<String, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final SharedIndexInformer<Node> nodeInformer;
  private final SharedIndexInformer<GenericKubernetesResource> pools;
  private final SharedIndexInformer<GenericKubernetesResource> bgpAds;
  private final SharedIndexInformer<GenericKubernetesResource> l2Ads;
  private final SharedIndexInformer<GenericKubernetesResource> peers;

  // Written by informer threads (stale flags), read and rebuilt on the reader's thread.
  private volatile boolean nodesStale = true;
  private volatile boolean configStale = true;
  private volatile Map<String, NodeView> nodes = Map.of();
  private volatile ConfigView config = ConfigView.EMPTY;

  private final Settings settings;

  private ClusterInformers(KubernetesClient client, Settings settings) {
    this.settings = settings;
    services = register("services", client.services().inAnyNamespace().runnableInformer(0));
    slices = register("endpointslices", client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
    slices.addIndexers(Map.of(BY_SERVICE, s -> Views.serviceOf(s).map(k -> List.of(k.toString())).orElse(List.of())));
    nodeInformer = register("nodes", client.nodes().runnableInformer(0));
    String ns = settings.metallbNamespace();
    pools = register("ipaddresspools", client.genericKubernetesResources(POOLS).inNamespace(ns).runnableInformer(0));
    bgpAds = register("bgpadvertisements", client.genericKubernetesResources(BGP_ADS).inNamespace(ns).runnableInformer(0));
    l2Ads = register("l2advertisements", client.genericKubernetesResources(L2_ADS).inNamespace(ns).runnableInformer(0));
    peers = register("bgppeers", client.genericKubernetesResources(PEERS).inNamespace(ns).runnableInformer(0));
  }

  /**
   * Creates the informers without starting them, so that the watcher can be given this source
   * before {@link #start(DirtySink)} connects the callbacks to it.
   */
  public static ClusterInformers create(KubernetesClient client, Settings settings) {
    return new ClusterInformers(client, settings);
  }

  /**
   * Connects the callbacks to {@code sink}, starts every informer and waits until all have listed
   * once.
   *
   * @throws InformerStartException when one fails (e.g. 403 Forbidden: missing RBAC) or does not
   *     sync within the start timeout; the informers are stopped then
   */
  public ClusterInformers start(DirtySink sink) {
    services.addEventHandler(handler(s -> sink.serviceDirty(Views.key(s))));
    slices.addEventHandler(handler(s -> Views.serviceOf(s).ifPresent(sink::serviceDirty)));
    nodeInformer.addEventHandler(handler(n -> { nodesStale = true; sink.allDirty(); }));
    for (var config : List.of(pools, bgpAds, l2Ads, peers)) {
      config.addEventHandler(handler(r -> { configStale = true; sink.allDirty(); }));
    }
    ClusterInformers ci = this;
    List<CompletableFuture<Void>> started = new ArrayList<>();
    ci.informers.forEach((name, inf) -> started.add(inf.start().toCompletableFuture()));
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
          .get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      List<String> waiting = ci.informers.entrySet().stream().filter(en -> !en.getValue().hasSynced()).map(Map.Entry::getKey).toList();
      ci.close();
      throw new InformerStartException(
          "informers for " + waiting + " did not sync within " + settings.startTimeout()
              + ": check that Herald's service account may list and watch them (RBAC) and that the API server is reachable",
          e);
    } catch (ExecutionException e) {
      ci.close();
      throw new InformerStartException("an informer failed to start: " + describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ci.close();
      throw new InformerStartException("interrupted while starting informers", e);
    }
    sink.synced();
    return ci;
  }

  private static String describe(Throwable t) {
    if (t instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)) {
      return "HTTP " + k.getCode() + " (" + k.getMessage() + "): Herald's service account lacks list/watch permission";
    }
    return String.valueOf(t);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> register(String name, SharedIndexInformer<T> informer) {
    // Stop retrying on authorization errors so that start() fails with the cause instead of hanging;
    // retry other errors (the informer backs off and relists).
    informer.exceptionHandler((isStarted, t) -> {
      boolean forbidden = t instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403);
      log.warn("informer {}: {}{}", name, t.toString(), forbidden ? " (not retried)" : " (retrying)");
      return !forbidden;
    });
    informers.put(name, informer);
    return informer;
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> mark) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        mark.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        mark.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        mark.accept(obj);
      }
    };
  }

  /** Whether every informer has listed once (for readiness). */
  public boolean hasSynced() {
    return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public Optional<ServiceView> service(ServiceKey key) {
    return Optional.ofNullable(services.getStore().getByKey(key.toString())).map(Views::service);
  }

  @Override
  public List<EndpointView> endpoints(ServiceKey key) {
    List<EndpointView> out = new ArrayList<>();
    for (EndpointSlice s : slices.getIndexer().byIndex(BY_SERVICE, key.toString())) out.addAll(Views.endpoints(s));
    return out;
  }

  @Override
  public Map<String, NodeView> nodes() {
    if (nodesStale) {
      // Clear the flag first: a change during the rebuild sets it again and is not lost.
      nodesStale = false;
      Map<String, NodeView> m = new HashMap<>();
      for (Node n : nodeInformer.getStore().list()) m.put(n.getMetadata().getName(), Views.node(n));
      nodes = Map.copyOf(m);
    }
    return nodes;
  }

  @Override
  public ConfigView config() {
    if (configStale) {
      configStale = false;
      List<PoolView> p = new ArrayList<>();
      for (GenericKubernetesResource r : pools.getStore().list()) {
        try {
          p.add(Views.pool(r));
        } catch (IllegalArgumentException e) {
          log.warn("IPAddressPool {} ignored: {}", r.getMetadata().getName(), e.getMessage());
        }
      }
      List<AdvertisementView> ads = new ArrayList<>();
      bgpAds.getStore().list().forEach(r -> ads.add(Views.advertisement(r, AnnounceProtocol.BGP)));
      l2Ads.getStore().list().forEach(r -> ads.add(Views.advertisement(r, AnnounceProtocol.LAYER2)));
      List<PeerView> ps = peers.getStore().list().stream().map(Views::peer).toList();
      p.sort(java.util.Comparator.comparing(PoolView::name));
      ads.sort(java.util.Comparator.comparing(AdvertisementView::name));
      config = new ConfigView(p, ads, ps.stream().sorted(java.util.Comparator.comparing(PeerView::name)).toList());
    }
    return config;
  }

  @Override
  public Collection<ServiceKey> services() {
    return services.getStore().listKeys().stream().map(ServiceKey::parse).toList();
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
  }
}
