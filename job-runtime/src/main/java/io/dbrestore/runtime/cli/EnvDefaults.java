package io.dbrestore.runtime.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option can come from an environment variable, named after its long name: {@code
 * --target-allowlist} is {@code DBRESTORE_TARGET_ALLOWLIST}. A flag on the command line wins over
 * the variable. Each option's help names its variable.
 */
public final class EnvDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;

  public EnvDefaults(Map<String, String> env) {
    this.env = env;
  }

  public static String variableFor(OptionSpec option) {
    return "DBRESTORE_"
        + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  static boolean applies(OptionSpec option) {
    return !option.usageHelp() && !option.versionHelp() && option.longestName().startsWith("--");
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec option && applies(option)) {
      String value = env.get(variableFor(option));
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return argSpec.defaultValue();
  }

  /** Installs the provider on a command and its subcommands and names the variables in help. */
  public static void install(CommandLine commandLine, Map<String, String> env) {
    commandLine.setDefaultValueProvider(new EnvDefaults(env));
    annotate(commandLine);
  }

  private static void annotate(CommandLine commandLine) {
    CommandSpec spec = commandLine.getCommandSpec();
    for (OptionSpec option : spec.options().toArray(new OptionSpec[0])) {
      if (!applies(option)) {
        continue;
      }
      String[] description = option.description();
      String note = "Env: " + variableFor(option) + ".";
      String[] updated = new String[Math.max(1, description.length)];
      System.arraycopy(description, 0, updated, 0, description.length);
      updated[updated.length - 1] =
          (description.length == 0 ? "" : description[description.length - 1] + " ") + note;
      spec.remove(option);
      spec.addOption(option.toBuilder().description(updated).build());
    }
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      annotate(sub);
    }
  }
}
