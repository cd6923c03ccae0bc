package io.herald.node.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Herald's logging, set up in code (found by logback as a service): lines to stderr, so that
 * commands' stdout stays machine-readable; the root level from {@code HERALD_LOG_LEVEL} (system
 * property or environment, default INFO); Netty at WARN. At INFO and WARN two fabric8 loggers are
 * kept to errors: the informers' {@code Reflector}, which logs every failed list or watch with its
 * stack trace (a node without RBAC or with an unreachable API would print a hundred lines per
 * informer per retry; Herald's own watcher already logs each failure in one line), and {@code
 * VersionUsageUtils}, which warns at every start that the metallb.io kinds are {@code v1beta1}
 * (they are, as MetalLB's).
 *
 * <p>In code rather than in a {@code logback.xml}: the XML configurator and the XML parser it
 * needs are several hundred classes a node would hold for its whole life to read ten lines once.
 * Given {@code -Dlogback.configurationFile=FILE}, logback reads that file as usual instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  /** fabric8 loggers kept to errors at INFO and WARN (see above). */
  static final java.util.List<String> QUIET_AT_INFO = java.util.List.of(
      "io.fabric8.kubernetes.client.informers.impl.cache.Reflector",
      "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Level level = rootLevel(System.getProperty("HERALD_LOG_LEVEL", System.getenv("HERALD_LOG_LEVEL")));
    root.setLevel(level);
    root.addAppender(stderr);
    context.getLogger("io.netty").setLevel(Level.WARN);
    if (quieted(level)) {
      for (String quiet : QUIET_AT_INFO) {
        context.getLogger(quiet).setLevel(Level.ERROR);
      }
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether {@link #QUIET_AT_INFO} is kept to errors at this root level: at INFO and WARN. */
  static boolean quieted(Level root) {
    return root.isGreaterOrEqual(Level.INFO) && !root.isGreaterOrEqual(Level.ERROR);
  }

  /** {@code HERALD_LOG_LEVEL}'s level: a logback level name in any case; INFO when unset or not a level. */
  static Level rootLevel(String value) {
    return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
  }
}
