package io.herald.k8s.informer;

/** The informers did not sync: usually missing RBAC permissions or an unreachable API server. */
public final class InformerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InformerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
