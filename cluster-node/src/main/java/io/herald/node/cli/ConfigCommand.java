package io.herald.node.cli;

import io.herald.allocator.config.ConfigError;
import io.herald.allocator.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code herald config ...}: offline checks of MetalLB configuration files. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Work with MetalLB configuration files.",
    subcommands = {ConfigCommand.Validate.class})
public final class ConfigCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /**
   * {@code herald config validate FILE...}: reads every file (metallb.io resources, a legacy
   * config, or Helm values with {@code configInline}) as one configuration. Prints each error as
   * {@code file:line: kind/name: field: message} and exits 1, or prints a one-line summary and
   * exits 0.
   */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Check configuration files; exit 1 and print file:line errors if any is invalid.")
  static final class Validate implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "YAML files: resources, legacy config or Helm values.")
    List<Path> files;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<ConfigLoader.Source> sources = new ArrayList<>();
      for (Path f : files) {
        try {
          sources.add(new ConfigLoader.Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          err.println(f + ": cannot read: " + e.getMessage());
          err.flush();
          return 1;
        }
      }
      ConfigLoader.Result result = ConfigLoader.load(sources);
      if (result instanceof ConfigLoader.Result.Invalid invalid) {
        for (ConfigError e : invalid.errors()) {
          err.println(e);
        }
        err.flush();
        return 1;
      }
      var config = ((ConfigLoader.Result.Valid) result).config();
      out.println("valid: " + config.summary());
      out.flush();
      return 0;
    }
  }
}
