package io.herald.node.cli;

import sun.misc.Signal;

/**
 * POSIX signal handlers for the long-running commands. {@code sun.misc.Signal} is the JDK's only
 * way to catch SIGUSR1/SIGUSR2; handlers run on a JVM signal thread and must only hand work on.
 */
final class Signals {
  private Signals() {}

  static void on(String name, Runnable action) {
    Signal.handle(new Signal(name), s -> action.run());
  }
}
