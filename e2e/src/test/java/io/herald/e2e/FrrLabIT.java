package io.herald.e2e;

/**
 * The lab with FRR (zebra and bgpd, {@code maximum-paths}) as the router: the Local Service's ECMP
 * route and traffic, and a router restart. The other scenarios do not depend on the router's
 * implementation and run once, with BIRD ({@link BirdLabIT}); both share one lab, whose router is
 * switched to FRR for this class.
 */
class FrrLabIT extends RouterScenarios {
  @Override
  Lab.RouterKind kind() {
    return Lab.RouterKind.FRR;
  }
}
