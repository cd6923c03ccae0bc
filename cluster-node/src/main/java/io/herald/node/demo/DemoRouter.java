package io.herald.node.demo;

import java.util.List;

/**
 * The router the demo's nodes peer with. It listens on {@link #address()}:{@link #port()} and
 * accepts one session from each node's source address; {@link #table()} is what it has learned.
 */
public sealed interface DemoRouter extends AutoCloseable permits CollectorRouter, BirdRouter {

  /** For people: e.g. "BIRD 2.0.12 in network namespace hdemo-42". */
  String describe();

  String address();

  int port();

  /** The AS number the router speaks as: the seed peer's {@code peer-asn}. */
  long asn();

  /** Every path the router holds, in its own order. */
  List<LearnedRoute> table();

  /** A command a person can run to look at the router's table themselves, or empty. */
  String inspectCommand();

  /** Stops the router and removes everything it set up; safe to call twice. */
  @Override
  void close();
}
