package io.herald.k8s.decision;

/**
 * Why a node does not announce a Service. The tokens are MetalLB's withdraw reasons (logged by its
 * speaker), so logs, metric labels and runbooks keep their words; the last three are Herald's
 * finer splits of cases MetalLB folds into others.
 */
public enum Reason {
  SERVICE_DELETED("serviceDeleted"),
  NOT_LOAD_BALANCER("notLoadBalancer"),
  /** The Service's {@code loadBalancerClass} is not the one this speaker handles. */
  LOAD_BALANCER_CLASS_MISMATCH("loadBalancerClassMismatch"),
  NO_IP_ALLOCATED("noIPAllocated"),
  /** The IP lies in no configured pool. */
  IP_NOT_ALLOWED("ipNotAllowed"),
  NODE_NETWORK_UNAVAILABLE("nodeNetworkUnavailable"),
  NODE_LABELED_EXCLUDE_BALANCERS("nodeLabeledExcludeBalancers"),
  /** No advertisement of this protocol covers the pool and selects the Service. */
  NO_MATCHING_ADVERTISEMENT("noMatchingAdvertisement"),
  /** Layer 2: a shared IP cannot be announced through an advertisement with serviceSelectors. */
  SHARED_IP_WITH_SERVICE_SELECTOR("sharedIPWithServiceSelector"),
  NO_ENDPOINTS("noEndpoints"),
  NO_LOCAL_ENDPOINTS("noLocalEndpoints"),
  /** BGP: no advertisement selects this node; Layer 2: another node won the election. */
  NOT_OWNER("notOwner"),
  /** BGP: no peer of the matching advertisements selects this node. */
  NO_MATCHING_PEER("noMatchingPeer"),
  /** This speaker's own Node object is not (yet) in the cache. */
  NODE_UNKNOWN("nodeUnknown");

  private final String token;

  Reason(String token) {
    this.token = token;
  }

  /** The MetalLB-style token, used as log word and metric label. */
  public String token() {
    return token;
  }
}
