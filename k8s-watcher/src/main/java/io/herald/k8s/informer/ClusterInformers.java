package io.herald.k8s.informer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.herald.allocator.config.HeraldConfig;
import io.herald.k8s.config.ConfigOrigin;
import io.herald.k8s.config.ConfigSource;
import io.herald.k8s.config.ConfigState;
import io.herald.k8s.config.ConfigStatus;
import io.herald.k8s.config.LoadedConfig;
import io.herald.k8s.convert.ConfigSources;
import io.herald.k8s.convert.Views;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.EndpointView;
import io.herald.k8s.model.NodeView;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 informers Herald's watcher reads: Services, EndpointSlices, Nodes and Namespaces
 * cluster-wide; in Herald's namespace the metallb.io configuration (IPAddressPools,
 * BGPAdvertisements, L2Advertisements, BGPPeers, Communities, BFDProfiles) and the legacy
 * {@code configInline} ConfigMap.
 *
 * <p>Event handlers only tell the {@link DirtySink} or bump a generation counter; they keep no
 * object and decide nothing. The reads of {@link ServiceSource} convert the newest cached objects
 * to views. Nodes and the configuration are converted once per change, not once per Service.
 *
 * <p>The configuration goes through the allocator's validation ({@code ConfigLoader}) as one
 * whole: every configuration object is serialized to YAML and loaded together. A valid result
 * replaces the configuration in force; an invalid one is rejected whole and the last valid one
 * stays in force, marked stale ({@link ConfigState}). Listeners given to {@link
 * #onConfigChange(Consumer)} see each new state, e.g. to write the {@code ConfigurationState}.
 */
public final class ClusterInformers implements ServiceSource, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterInformers.class);

  /**
   * Where and how long to wait.
   *
   * @param metallbNamespace Herald's namespace, which holds the configuration
   * @param startTimeout how long {@link #start(DirtySink)} waits for every informer to list
   * @param configMapName the ConfigMap whose {@code config} key holds a legacy configuration
   *     (MetalLB's was named {@code config})
   */
  public record Settings(String metallbNamespace, Duration startTimeout, String configMapName) {
    public Settings(String metallbNamespace, Duration startTimeout) {
      this(metallbNamespace, startTimeout, "config");
    }

    public static Settings defaults() {
      return new Settings("metallb-system", Duration.ofSeconds(30));
    }
  }

  static final ResourceDefinitionContext POOLS = metallb("v1beta1", "ipaddresspools", "IPAddressPool");
  static final ResourceDefinitionContext BGP_ADS = metallb("v1beta1", "bgpadvertisements", "BGPAdvertisement");
  static final ResourceDefinitionContext L2_ADS = metallb("v1beta1", "l2advertisements", "L2Advertisement");
  static final ResourceDefinitionContext PEERS = metallb("v1beta2", "bgppeers", "BGPPeer");
  static final ResourceDefinitionContext COMMUNITIES = metallb("v1beta1", "communities", "Community");
  static final ResourceDefinitionContext BFD_PROFILES = metallb("v1beta1", "bfdprofiles", "BFDProfile");

  private static ResourceDefinitionContext metallb(String version, String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("metallb.io").withVersion(version).withPlural(plural).withKind(kind).withNamespaced(true).build();
  }

  private final Map<String, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final SliceStore sliceStore = new SliceStore();
  private final SharedIndexInformer<Node> nodeInformer;
  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<ConfigMap> configMaps;
  /** The metallb.io informers, in the order their objects are fed to the loader. */
  private final Map<ResourceDefinitionContext, SharedIndexInformer<GenericKubernetesResource>> configInformers =
      new LinkedHashMap<>();

  // Written by informer threads (stale flag, generation), read and rebuilt on the reader's thread.
  private volatile boolean nodesStale = true;
  private volatile Map<String, NodeView> nodes = Map.of();

  /** Bumped by every configuration event; a state built from an older generation is rebuilt. */
  private final AtomicLong configGeneration = new AtomicLong();
  private final AtomicReference<Built> config = new AtomicReference<>(new Built(-1, ConfigState.INITIAL));
  private final List<Consumer<ConfigState>> configListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The node's own configuration, in force while the cluster holds none ({@link #fileConfig}). */
  private volatile Optional<LoadedConfig> fileConfig = Optional.empty();
  /** Set once every cache has listed: validating a partly listed configuration would reject it. */
  private volatile boolean started;

  private record Built(long generation, ConfigState state) {}

  private final Settings settings;

  private ClusterInformers(KubernetesClient client, Settings settings) {
    this.settings = settings;
    services = register("services", client.services().inAnyNamespace().runnableInformer(0), new LeanItemStore<>());
    // Only Services are looked up by namespace (a namespace's labels changed); the other caches
    // drop the informer's namespace index, which by the ten thousand is megabytes.
    slices = register("endpointslices", client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0), sliceStore)
        .removeNamespaceIndex();
    nodeInformer = register("nodes", client.nodes().runnableInformer(0), new LeanItemStore<>()).removeNamespaceIndex();
    namespaces = register("namespaces", client.namespaces().runnableInformer(0), new LeanItemStore<>()).removeNamespaceIndex();
    String ns = settings.metallbNamespace();
    for (var ctx : List.of(POOLS, BGP_ADS, L2_ADS, PEERS, COMMUNITIES, BFD_PROFILES)) {
      configInformers.put(ctx, register(ctx.getPlural(),
          client.genericKubernetesResources(ctx).inNamespace(ns).runnableInformer(0), new LeanItemStore<>()).removeNamespaceIndex());
    }
    configMaps = register("configmaps", client.configMaps().inNamespace(ns).runnableInformer(0), new LeanItemStore<>())
        .removeNamespaceIndex();
  }

  /**
   * Creates the informers without starting them, so that the watcher can be given this source
   * before {@link #start(DirtySink)} connects the callbacks to it.
   */
  public static ClusterInformers create(KubernetesClient client, Settings settings) {
    return new ClusterInformers(client, settings);
  }

  /**
   * Calls {@code listener} with every new configuration state (valid or not) once it is built;
   * register before {@link #start(DirtySink)}. It runs on the thread that reads the configuration
   * (the watcher's) and must return at once. Should several threads read the configuration, two
   * states built concurrently may reach the listeners out of order; the watcher is the only reader
   * once started.
   */
  public ClusterInformers onConfigChange(Consumer<ConfigState> listener) {
    configListeners.add(listener);
    return this;
  }

  /**
   * The configuration the node was started with ({@code --config}): in force while the cluster
   * holds no MetalLB configuration object; once it holds one, the cluster's is validated and wins
   * ({@link ConfigState#next(List, Optional)}). Set before {@link #start(DirtySink)}.
   */
  public ClusterInformers fileConfig(HeraldConfig file) {
    fileConfig = Optional.of(LoadedConfig.of(file));
    return this;
  }

  /**
   * Connects the callbacks to {@code sink}, starts every informer and waits until all have listed
   * once, then validates the configuration for the first time.
   *
   * @throws InformerStartException when one fails (e.g. 403 Forbidden: missing RBAC) or does not
   *     sync within the start timeout; the informers are stopped then
   */
  public ClusterInformers start(DirtySink sink) {
    services.addEventHandler(handler(s -> sink.serviceDirty(Views.key(s))));
    slices.addEventHandler(handler(s -> Views.serviceOf(s).ifPresent(sink::serviceDirty)));
    nodeInformer.addEventHandler(handler(n -> { nodesStale = true; sink.allDirty(); }));
    // Namespace labels feed pool selection (serviceAllocation.namespaceSelectors): the Services of
    // a changed namespace are marked, read from the namespace index every informer keeps.
    namespaces.addEventHandler(handler(n -> {
      for (String key : services.getIndexer().indexKeys(Cache.NAMESPACE_INDEX, n.getMetadata().getName())) {
        sink.serviceDirty(ServiceKey.parse(key));
      }
    }));
    for (var inf : configInformers.values()) {
      inf.addEventHandler(handler(r -> { configGeneration.incrementAndGet(); sink.allDirty(); }));
    }
    configMaps.addEventHandler(handler(cm -> {
      if (settings.configMapName().equals(cm.getMetadata().getName())) {
        configGeneration.incrementAndGet();
        sink.allDirty();
      }
    }));
    List<CompletableFuture<Void>> started = new ArrayList<>();
    informers.forEach((name, inf) -> started.add(inf.start().toCompletableFuture()));
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
          .get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      List<String> waiting = informers.entrySet().stream().filter(en -> !en.getValue().hasSynced()).map(Map.Entry::getKey).toList();
      close();
      throw new InformerStartException(
          "informers for " + waiting + " did not sync within " + settings.startTimeout()
              + ": check that Herald's service account may list and watch them (RBAC) and that the API server is reachable",
          e);
    } catch (ExecutionException e) {
      close();
      throw new InformerStartException("an informer failed to start: " + describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InformerStartException("interrupted while starting informers", e);
    }
    this.started = true;
    configState();
    sink.synced();
    return this;
  }

  private static String describe(Throwable t) {
    if (t instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)) {
      return "HTTP " + k.getCode() + " (" + k.getMessage() + "): Herald's service account lacks list/watch permission";
    }
    return String.valueOf(t);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> register(
      String name, SharedIndexInformer<T> informer, ItemStore<T> store) {
    // Cache objects without managedFields and kubectl's last-applied copy, and Services,
    // EndpointSlices and Nodes cut down to the fields Herald reads (LeanItemStore, CompactObjects).
    informer.itemStore(store);
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
    for (EndpointSlice s : sliceStore.slicesOf(key)) out.addAll(Views.endpoints(s));
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
    return configState().current().map(LoadedConfig::view).orElse(ConfigView.EMPTY);
  }

  /** The validated configuration in force; empty until one was valid. */
  public Optional<HeraldConfig> currentConfig() {
    return configState().current().map(LoadedConfig::config);
  }

  /** The last validation's outcome, with the loaded and stale flags. */
  public ConfigStatus configStatus() {
    return configState().status();
  }

  /** {@code metallb_k8s_client_config_loaded_bool}: a valid configuration is in force. */
  public boolean configLoaded() {
    return configStatus().loaded();
  }

  /** {@code metallb_k8s_client_config_stale_bool}: the cluster's configuration is invalid; the last valid one, if any, stays in force. */
  public boolean configStale() {
    return configStatus().stale();
  }

  /**
   * The configuration state, validated again if a configuration object changed since it was
   * built. Lock-free: concurrent readers may both validate, but only a state built from a newer
   * generation replaces the current one, and only the replacing reader tells the listeners.
   */
  public ConfigState configState() {
    while (true) {
      Built built = config.get();
      long gen = configGeneration.get();
      if (!started || built.generation() == gen) return built.state();
      ConfigState next = built.state().next(configSources(), fileConfig);
      Built fresh = new Built(gen, next);
      if (config.compareAndSet(built, fresh)) {
        if (!next.equals(built.state())) {
          switch (next.status().result()) {
            case VALID -> log.info("configuration in force: {}: {}", next.origin() == ConfigOrigin.FILE
                ? "the --config file's (the cluster holds no MetalLB configuration)" : "the cluster's",
                next.current().orElseThrow().config().summary());
            case INVALID -> log.warn("configuration rejected, {}: {}",
                next.status().loaded() ? "keeping the last valid one" : "none in force", next.status().errorSummary());
            case UNKNOWN -> { }
          }
          configListeners.forEach(l -> l.accept(next));
        }
        return next;
      }
    }
  }

  /** Every configuration object, in a stable order: by kind, then by name. */
  private List<ConfigSource> configSources() {
    List<ConfigSource> out = new ArrayList<>();
    configInformers.forEach((ctx, inf) -> {
      String apiVersion = ctx.getGroup() + "/" + ctx.getVersion();
      inf.getStore().list().stream()
          .sorted(java.util.Comparator.comparing(r -> r.getMetadata().getName()))
          .forEach(r -> out.add(ConfigSources.resource(r, apiVersion, ctx.getKind())));
    });
    ConfigMap cm = configMaps.getStore().getByKey(settings.metallbNamespace() + "/" + settings.configMapName());
    if (cm != null) ConfigSources.configMap(cm).ifPresent(out::add);
    return out;
  }

  /** The labels of a namespace, for pool selection by {@code namespaceSelectors}; empty if unknown. */
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace n = namespaces.getStore().getByKey(namespace);
    if (n == null || n.getMetadata().getLabels() == null) return Map.of();
    return Map.copyOf(n.getMetadata().getLabels());
  }

  /**
   * The Services this source caches, shared with other readers such as the allocation controller
   * (one informer, one watch, one copy per Service). Add handlers before {@link #start(DirtySink)}:
   * its return means they have seen every listed Service.
   */
  public ServiceCache serviceCache() {
    return new ServiceCache() {
      @Override
      public Optional<Service> get(String namespace, String name) {
        return Optional.ofNullable(services.getStore().getByKey(namespace + "/" + name));
      }

      @Override
      public List<Service> list() {
        return services.getStore().list();
      }

      @Override
      public List<String> keys() {
        return services.getStore().listKeys();
      }

      @Override
      public void addEventHandler(ResourceEventHandler<? super Service> handler) {
        services.addEventHandler(handler);
      }
    };
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
