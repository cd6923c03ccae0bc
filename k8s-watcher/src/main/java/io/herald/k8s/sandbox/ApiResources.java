package io.herald.k8s.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The resource types the sandbox API serves and the discovery documents built from them.
 *
 * <p>kubectl resolves every resource name ({@code svc}, {@code ipaddresspools}) through the legacy
 * discovery documents {@code /api}, {@code /apis}, {@code /api/v1} and {@code /apis/GROUP/VERSION};
 * the fabric8 mock answers those with empty lists, so the sandbox serves them from this table.
 */
public final class ApiResources {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /**
   * Every served type: the core kinds Herald reads or writes, EndpointSlices, CRDs, metallb.io,
   * and the kinds of Herald's Helm chart (workloads, RBAC, PDB, the Prometheus Operator's).
   */
  public static final List<ApiResource> ALL =
      List.of(
          core("namespaces", "Namespace", false, List.of("ns"), true),
          core("nodes", "Node", false, List.of("no"), true),
          core("services", "Service", true, List.of("svc"), true),
          core("endpoints", "Endpoints", true, List.of("ep"), false),
          core("events", "Event", true, List.of("ev"), false),
          core("configmaps", "ConfigMap", true, List.of("cm"), false),
          core("secrets", "Secret", true, List.of(), false),
          core("pods", "Pod", true, List.of("po"), true),
          // What Herald's Helm chart renders, so that the rendered chart applies with kubectl.
          core("serviceaccounts", "ServiceAccount", true, List.of("sa"), false),
          core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), true),
          new ApiResource("apps", "v1", "daemonsets", "DaemonSet", true, List.of("ds"), true),
          new ApiResource("apps", "v1", "statefulsets", "StatefulSet", true, List.of("sts"), true),
          new ApiResource("apps", "v1", "deployments", "Deployment", true, List.of("deploy"), true),
          rbac("clusterroles", "ClusterRole", false),
          rbac("clusterrolebindings", "ClusterRoleBinding", false),
          rbac("roles", "Role", true),
          rbac("rolebindings", "RoleBinding", true),
          new ApiResource("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, List.of("pdb"), true),
          new ApiResource("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", true, List.of("smon"),
              false),
          new ApiResource("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule", true, List.of("promrule"),
              false),
          new ApiResource("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, List.of(), false),
          new ApiResource(
              "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
              false, List.of("crd", "crds"), true),
          metallb("v1beta1", "ipaddresspools", "IPAddressPool", true),
          metallb("v1beta1", "bgpadvertisements", "BGPAdvertisement", true),
          metallb("v1beta1", "l2advertisements", "L2Advertisement", true),
          metallb("v1beta1", "communities", "Community", true),
          metallb("v1beta1", "bfdprofiles", "BFDProfile", true),
          metallb("v1beta1", "bgppeers", "BGPPeer", true),
          metallb("v1beta1", "servicel2statuses", "ServiceL2Status", true),
          metallb("v1beta1", "servicebgpstatuses", "ServiceBGPStatus", true),
          metallb("v1beta1", "configurationstates", "ConfigurationState", true),
          metallb("v1beta2", "bgppeers", "BGPPeer", true));

  private ApiResources() {}

  private static ApiResource core(
      String plural, String kind, boolean namespaced, List<String> shortNames, boolean status) {
    return new ApiResource("", "v1", plural, kind, namespaced, shortNames, status);
  }

  private static ApiResource rbac(String plural, String kind, boolean namespaced) {
    return new ApiResource("rbac.authorization.k8s.io", "v1", plural, kind, namespaced, List.of(), false);
  }

  private static ApiResource metallb(String version, String plural, String kind, boolean status) {
    return new ApiResource("metallb.io", version, plural, kind, true, List.of(), status);
  }

  /** The type served at {@code group/version} under {@code plural}, if any. */
  public static Optional<ApiResource> find(String group, String version, String plural) {
    return Optional.ofNullable(BY_PATH.get(pathKey(group, version, plural)));
  }

  /** {@link #ALL} by group, version and plural: every request looks its type up here. */
  private static final Map<String, ApiResource> BY_PATH = byPath();

  private static Map<String, ApiResource> byPath() {
    Map<String, ApiResource> m = new java.util.HashMap<>();
    for (ApiResource r : ALL) m.putIfAbsent(pathKey(r.group(), r.version(), r.plural()), r);
    return Map.copyOf(m);
  }

  private static String pathKey(String group, String version, String plural) {
    return group + '/' + version + '/' + plural;
  }

  /** The discovery documents by path (without query string), as JSON text. */
  static Map<String, String> discoveryDocuments(JsonMapper json, String serverAddress) {
    Map<String, String> docs = new LinkedHashMap<>();

    ObjectNode apiVersions = json.createObjectNode();
    apiVersions.put("kind", "APIVersions");
    apiVersions.putArray("versions").add("v1");
    ObjectNode cidr = apiVersions.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    docs.put("/api", json.writeValueAsString(apiVersions));

    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (ApiResource r : ALL) {
      if (!r.group().isEmpty()) {
        List<String> versions = versionsByGroup.computeIfAbsent(r.group(), g -> new ArrayList<>());
        if (!versions.contains(r.version())) versions.add(r.version());
      }
    }
    ObjectNode groupList = json.createObjectNode();
    groupList.put("kind", "APIGroupList");
    groupList.put("apiVersion", "v1");
    ArrayNode groups = groupList.putArray("groups");
    versionsByGroup.forEach(
        (group, versions) -> {
          ObjectNode g = groups.addObject();
          g.put("name", group);
          ArrayNode vs = g.putArray("versions");
          // Kubernetes orders versions by priority: the highest (v1beta2 > v1beta1) is preferred.
          List<String> ordered = new ArrayList<>(versions);
          ordered.sort((a, b) -> b.compareTo(a));
          for (String v : ordered) {
            ObjectNode gv = vs.addObject();
            gv.put("groupVersion", group + "/" + v);
            gv.put("version", v);
          }
          ObjectNode preferred = g.putObject("preferredVersion");
          preferred.put("groupVersion", group + "/" + ordered.get(0));
          preferred.put("version", ordered.get(0));
        });
    docs.put("/apis", json.writeValueAsString(groupList));

    Map<String, List<ApiResource>> byPath = new LinkedHashMap<>();
    for (ApiResource r : ALL) byPath.computeIfAbsent(r.discoveryPath(), p -> new ArrayList<>()).add(r);
    byPath.forEach(
        (path, resources) -> {
          ObjectNode list = json.createObjectNode();
          list.put("kind", "APIResourceList");
          list.put("apiVersion", "v1");
          list.put("groupVersion", resources.get(0).apiVersion());
          ArrayNode items = list.putArray("resources");
          for (ApiResource r : resources) {
            ObjectNode item = items.addObject();
            item.put("name", r.plural());
            item.put("singularName", r.kind().toLowerCase(java.util.Locale.ROOT));
            item.put("namespaced", r.namespaced());
            item.put("kind", r.kind());
            ArrayNode verbs = item.putArray("verbs");
            VERBS.forEach(verbs::add);
            if (!r.shortNames().isEmpty()) {
              ArrayNode shortNames = item.putArray("shortNames");
              r.shortNames().forEach(shortNames::add);
            }
            if (r.hasStatus()) {
              ObjectNode status = items.addObject();
              status.put("name", r.plural() + "/status");
              status.put("singularName", "");
              status.put("namespaced", r.namespaced());
              status.put("kind", r.kind());
              ArrayNode statusVerbs = status.putArray("verbs");
              List.of("get", "patch", "update").forEach(statusVerbs::add);
            }
          }
          docs.put(path, json.writeValueAsString(list));
        });
    return docs;
  }
}
