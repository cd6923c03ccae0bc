package io.herald.k8s.config;

/** Where the configuration in force comes from. */
public enum ConfigOrigin {
  /** Nothing is in force yet. */
  NONE,
  /** The node's own file ({@code --config}): the cluster holds no MetalLB configuration of its own. */
  FILE,
  /** The cluster's metallb.io resources and legacy ConfigMap. */
  CLUSTER
}
