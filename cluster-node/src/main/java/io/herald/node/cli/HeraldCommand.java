package io.herald.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} command line: every user-facing entry point is a subcommand here. */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    versionProvider = HeraldCommand.Version.class,
    description = "Bare-metal load balancer for Kubernetes (BGP and Layer 2), MetalLB-compatible.",
    subcommands = {CommandLine.HelpCommand.class})
public final class HeraldCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured picocli instance; tests run commands through it without exiting the JVM. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new HeraldCommand());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HeraldCommand.class.getPackage().getImplementationVersion();
      return new String[] {"herald " + (v == null ? "development build" : v)};
    }
  }
}
