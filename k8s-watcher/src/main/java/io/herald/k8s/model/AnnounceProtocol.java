package io.herald.k8s.model;

/** How a node announces a Service IP. */
public enum AnnounceProtocol {
  BGP("bgp"),
  LAYER2("layer2");

  private final String token;

  AnnounceProtocol(String token) {
    this.token = token;
  }

  /** The word MetalLB uses in events ({@code with protocol "layer2"}). */
  public String token() {
    return token;
  }
}
