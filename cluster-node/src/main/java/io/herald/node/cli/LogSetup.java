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
 * property or environment, default INFO); Netty at WARN.
 *
 * <p>In code rather than in a {@code logback.xml}: the XML configurator and the XML parser it
 * needs are several hundred classes a node would hold for its whole life to read ten lines once.
 * Given {@code -Dlogback.configurationFile=FILE}, logback reads that file as usual instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

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
    root.setLevel(rootLevel(System.getProperty("HERALD_LOG_LEVEL", System.getenv("HERALD_LOG_LEVEL"))));
    root.addAppender(stderr);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code HERALD_LOG_LEVEL}'s level: a logback level name in any case; INFO when unset or not a level. */
  static Level rootLevel(String value) {
    return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
  }
}
