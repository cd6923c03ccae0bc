package io.herald.k8s.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code metallb.io} CustomResourceDefinitions the sandbox installs at start, one per kind
 * with every served version. Schemas keep unknown fields: the sandbox stores what it is given and
 * leaves validation to Herald's own configuration checks.
 */
final class MetallbCrds {

  private MetallbCrds() {}

  static List<CustomResourceDefinition> all() {
    Map<String, List<ApiResource>> byPlural = new LinkedHashMap<>();
    for (ApiResource r : ApiResources.ALL) {
      if (r.group().equals("metallb.io")) {
        byPlural.computeIfAbsent(r.plural(), p -> new ArrayList<>()).add(r);
      }
    }
    List<CustomResourceDefinition> crds = new ArrayList<>();
    byPlural.forEach((plural, versions) -> crds.add(crd(plural, versions)));
    return crds;
  }

  private static CustomResourceDefinition crd(String plural, List<ApiResource> versions) {
    ApiResource first = versions.get(0);
    // The highest version is the storage version, as MetalLB does for BGPPeer (v1beta2).
    String storage = versions.stream().map(ApiResource::version).max(String::compareTo).orElseThrow();
    List<CustomResourceDefinitionVersion> crdVersions = new ArrayList<>();
    for (ApiResource r : versions) {
      CustomResourceDefinitionVersionBuilder v =
          new CustomResourceDefinitionVersionBuilder()
              .withName(r.version())
              .withServed(true)
              .withStorage(r.version().equals(storage))
              .withNewSchema()
              .withOpenAPIV3Schema(
                  new JSONSchemaPropsBuilder().withType("object").withXKubernetesPreserveUnknownFields(true).build())
              .endSchema();
      if (r.hasStatus()) v.withNewSubresources().withNewStatus().endStatus().endSubresources();
      crdVersions.add(v.build());
    }
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(plural + ".metallb.io")
        .endMetadata()
        .withNewSpec()
        .withGroup("metallb.io")
        .withScope(first.namespaced() ? "Namespaced" : "Cluster")
        .withNewNames()
        .withKind(first.kind())
        .withListKind(first.kind() + "List")
        .withPlural(plural)
        .withSingular(first.kind().toLowerCase(Locale.ROOT))
        .endNames()
        .withVersions(crdVersions)
        .endSpec()
        .build();
  }
}
