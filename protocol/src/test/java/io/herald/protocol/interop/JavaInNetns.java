package io.herald.protocol.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of our own {@code main} classes in a separate JVM inside a namespace, with the test
 * classpath of this JVM. On loopback the speaker under test runs in-process; inside a namespace
 * it has to be a child process: {@code ip netns exec NS java -cp <classpath> mainClass args}.
 * The returned {@link ChildProcess} captures its output line by line and is stopped by PID, by
 * the caller or when the namespace closes.
 */
public final class JavaInNetns {
  /** Small heap and quick start: these JVMs run a speaker or a probe, never a workload. */
  static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private JavaInNetns() {}

  public static ChildProcess start(NetNs ns, Class<?> mainClass, String... args) {
    return start(ns, mainClass.getName(), args);
  }

  public static ChildProcess start(NetNs ns, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    Path log;
    try {
      log = Files.createTempFile("hrld-java-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.toFile().deleteOnExit();
    String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    return ns.start("java-" + simple, cmd, Map.of(), log);
  }
}
