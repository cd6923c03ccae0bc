package io.herald.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} command line: every user-facing entry point is a subcommand here. */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    versionProvider = HeraldCommand.Version.class,
    description = "Bare-metal load balancer for Kubernetes (BGP and Layer 2), MetalLB-compatible.",
    subcommands = {NodeCommand.class, StatusCommand.class, BgpCommand.class, ConfigCommand.class,
        SandboxApiCommand.class, io.herald.node.demo.DemoCommand.class, CommandLine.HelpCommand.class})
public final class HeraldCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    // Resources read through jar: URLs (reference.conf, META-INF/services, ...) would keep each jar
    // open with its manifest for the life of the process; for a signed jar on the class path that
    // is every entry's digest, megabytes of heap for a file read once at start.
    java.net.URLConnection.setDefaultUseCaches("jar", false);
    System.exit(newCommandLine().execute(args));
  }

  /** The configured picocli instance; tests run commands through it without exiting the JVM. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new HeraldCommand());
    cl.setParameterExceptionHandler(HeraldCommand::badUsage);
    cl.setExecutionExceptionHandler(HeraldCommand::failed);
    return cl;
  }

  /**
   * Bad flags give one line naming the problem (scripts and people read the first line), and
   * the command's usage-error exit code: 2 by convention, 1 for {@code herald node}, whose
   * supervisor treats every failure to start alike.
   */
  private static int badUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String path = cmd.getCommandSpec().qualifiedName();
    cmd.getErr().println(path + ": " + e.getMessage() + " (see '" + path + " --help')");
    cmd.getErr().flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** A command that fails at run time (a port in use, an unreadable file): one line, exit 1. */
  private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable root = e;
    while (root.getCause() != null && root.getMessage() == null) {
      root = root.getCause();
    }
    String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + why);
    cmd.getErr().flush();
    return 1;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HeraldCommand.class.getPackage().getImplementationVersion();
      return new String[] {"herald " + (v == null ? "development build" : v)};
    }
  }
}
