package io.herald.e2e;

/**
 * The lab with FRR (zebra and bgpd, {@code maximum-paths}) as the router: every scenario of
 * {@link RouterScenarios}. It shares the run's one lab with {@link BirdLabIT}; the router is
 * switched to FRR for this class.
 */
class FrrLabIT extends RouterScenarios {
  @Override
  Lab.RouterKind kind() {
    return Lab.RouterKind.FRR;
  }
}
