package io.herald.node.cli;

import io.herald.k8s.sandbox.SandboxApi;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald sandbox-api}: starts the in-process sandbox Kubernetes API and writes a kubeconfig
 * for it. It runs until interrupted.
 */
@Command(
    name = "sandbox-api",
    mixinStandardHelpOptions = true,
    description = {
      "Start a sandbox Kubernetes API for trying Herald out and for tests.",
      "",
      "This is a stand-in, NOT a Kubernetes: objects live in memory only, no controllers run, and",
      "there is no scheduling, RBAC, admission or schema validation. kubectl get, describe, create,",
      "delete and merge patch work; strategic-merge patch, apply and server-side apply do not.",
      "The metallb.io CRDs are installed at start. It serves plain HTTP and accepts any token."
    })
public final class SandboxApiCommand implements Callable<Integer> {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bind", paramLabel = "ADDR", description = "IP address to listen on (default: ${DEFAULT-VALUE}).")
  String bind = "127.0.0.1";

  @Option(names = "--port", paramLabel = "N", description = "TCP port; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  int port = 0;

  @Option(names = "--kubeconfig-out", paramLabel = "FILE", description = "Where to write the kubeconfig (default: ${DEFAULT-VALUE}).")
  Path kubeconfigOut = Path.of("sandbox.kubeconfig");

  @Option(names = "--load", paramLabel = "DIR", description = "Create every object of the *.yaml, *.yml and *.json files in DIR.")
  Path load;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile SandboxApi api;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in 0..65535");
    }
    InetAddress address = parseLiteral(bind);
    PrintWriter out = spec.commandLine().getOut();
    try (SandboxApi sandbox = SandboxApi.start(address, port)) {
      api = sandbox;
      int loaded = load == null ? 0 : sandbox.load(load);
      sandbox.writeKubeconfig(kubeconfigOut);
      out.printf("Sandbox Kubernetes API (a stand-in for trying Herald out and for tests, not a Kubernetes)%n");
      out.printf("  listening on %s%n", sandbox.url());
      if (load != null) out.printf("  loaded %d objects from %s%n", loaded, load);
      out.printf("  kubeconfig: %s%n", kubeconfigOut.toAbsolutePath());
      out.printf("  try: kubectl --kubeconfig %s get svc -A%n", kubeconfigOut);
      out.flush();
      Thread hook = new Thread(stop::countDown, "sandbox-api-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      started.countDown();
      try {
        stop.await();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The JVM is already exiting through the hook.
        }
      }
    } finally {
      api = null;
      started.countDown();
    }
    return 0;
  }

  /** Waits until the API is serving (or the command failed); the running API, or null. */
  SandboxApi awaitStarted() throws InterruptedException {
    started.await();
    return api;
  }

  /** Stops a running command, as Ctrl-C does. */
  void stop() {
    stop.countDown();
  }

  /** Accepts only IP literals: a host name would need a DNS lookup. */
  private InetAddress parseLiteral(String text) {
    boolean literal = text.contains(":") ? text.matches("[0-9A-Fa-f:.]+") : IPV4.matcher(text).matches();
    if (literal) {
      try {
        return InetAddress.getByName(text);
      } catch (UnknownHostException e) {
        // Fall through to the parameter error below.
      }
    }
    throw new CommandLine.ParameterException(spec.commandLine(), "--bind must be an IP address literal: " + text);
  }
}
