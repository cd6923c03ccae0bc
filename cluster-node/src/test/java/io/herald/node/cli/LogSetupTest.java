package io.herald.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {

  @Test
  void logbackIsSetUpByHeraldsConfiguratorToStderrWithNettyAtWarn() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, a -> {
      assertThat(a.getTarget()).isEqualTo("System.err");
      assertThat(a.isStarted()).isTrue();
      assertThat(((PatternLayoutEncoder) a.getEncoder()).getPattern()).isEqualTo(LogSetup.PATTERN);
    });
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    Level level = LogSetup.rootLevel(System.getProperty("HERALD_LOG_LEVEL", System.getenv("HERALD_LOG_LEVEL")));
    assertThat(context.getLogger("io.herald").getEffectiveLevel()).isEqualTo(level);
    for (String quiet : LogSetup.QUIET_AT_INFO) {
      assertThat(context.getLogger(quiet).getEffectiveLevel()).as(quiet)
          .isEqualTo(LogSetup.quieted(level) ? Level.ERROR : level);
    }
  }

  @Test
  void theRootLevelComesFromHeraldLogLevelInAnyCaseAndIsInfoOtherwise() {
    assertThat(LogSetup.rootLevel(null)).isEqualTo(Level.INFO);
    assertThat(LogSetup.rootLevel(" ")).isEqualTo(Level.INFO);
    assertThat(LogSetup.rootLevel("debug")).isEqualTo(Level.DEBUG);
    assertThat(LogSetup.rootLevel("WARN")).isEqualTo(Level.WARN);
    assertThat(LogSetup.rootLevel("off")).isEqualTo(Level.OFF);
    assertThat(LogSetup.rootLevel("loud")).isEqualTo(Level.INFO);
  }

  @Test
  void fabric8sRetryTracesAreKeptToErrorsOnlyAtInfoAndWarn() {
    assertThat(LogSetup.quieted(Level.INFO)).isTrue();
    assertThat(LogSetup.quieted(Level.WARN)).isTrue();
    assertThat(LogSetup.quieted(Level.DEBUG)).as("asked for detail: everything").isFalse();
    assertThat(LogSetup.quieted(Level.ERROR)).isFalse();
    assertThat(LogSetup.quieted(Level.OFF)).as("nothing at all, not even their errors").isFalse();
  }
}
