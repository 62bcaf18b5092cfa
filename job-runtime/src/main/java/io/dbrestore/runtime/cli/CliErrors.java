package io.dbrestore.runtime.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one line for a command-line mistake: what is wrong, the closest command or option when a name
 * was mistyped, every problem at once (an unknown option and the required one it was meant to be),
 * and the environment variable a bad value came from when it did not come from the command line.
 */
public final class CliErrors {
  private CliErrors() {}

  /** What picocli found wrong, as one line (without the job's name and the help hint). */
  public static String describe(ParameterException ex, List<String> args, Map<String, String> env) {
    CommandSpec command = ex.getCommandLine().getCommandSpec();
    String message;
    if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      message = unmatched(command, unmatched.getUnmatched());
    } else if (ex instanceof MissingParameterException) {
      List<String> unknown = unknownOptions(command, args);
      message =
          unknown.isEmpty()
              ? ex.getMessage()
              : unknownOption(command, unknown.get(0)) + "; " + ex.getMessage();
    } else {
      message = ex.getMessage();
    }
    return withVariables(message, command, args, env);
  }

  /**
   * Names the environment variable of each option the message mentions whose value came from the
   * environment (it is not on the command line): {@code --timeout} becomes {@code --timeout (from
   * DBRESTORE_TIMEOUT)}.
   */
  public static String withVariables(
      String message, CommandSpec command, List<String> args, Map<String, String> env) {
    String result = message;
    for (OptionSpec option : command.options()) {
      if (!EnvDefaults.applies(option)) {
        continue;
      }
      String variable = EnvDefaults.variableFor(option);
      String value = env.get(variable);
      if (value == null || value.isBlank() || onCommandLine(option, args)) {
        continue;
      }
      String name = option.longestName();
      String from = " (from " + variable + ")";
      String quoted = "'" + name + "'";
      if (result.contains(quoted)) {
        result = result.replace(quoted, quoted + from);
      } else {
        Matcher m = Pattern.compile(Pattern.quote(name) + "(?![\\w-])").matcher(result);
        if (m.find()) {
          result = result.substring(0, m.end()) + from + result.substring(m.end());
        }
      }
    }
    return result;
  }

  /** The candidate closest to {@code word}, when it is close enough to be a typo. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    int limit = Math.max(2, word.length() / 3);
    return candidates.stream()
        .filter(c -> distance(word, c) <= limit)
        .min(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c));
  }

  private static String unmatched(CommandSpec command, List<String> unmatched) {
    String first = unmatched.get(0);
    if (first.startsWith("-")) {
      return unknownOption(command, first);
    }
    if (!command.subcommands().isEmpty()) {
      List<String> names = new ArrayList<>(command.subcommands().keySet());
      return "unknown command '"
          + first
          + "'"
          + closest(first, names).map(c -> "; did you mean " + c + "?").orElse("")
          + "; choose one of "
          + String.join(", ", names);
    }
    return "unexpected argument" + (unmatched.size() > 1 ? "s " : " ") + quoted(unmatched);
  }

  private static String unknownOption(CommandSpec command, String token) {
    String name = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
    return "unknown option '"
        + name
        + "'"
        + closest(name, command.optionsMap().keySet())
            .map(c -> "; did you mean " + c + "?")
            .orElse("");
  }

  private static List<String> unknownOptions(CommandSpec command, List<String> args) {
    List<String> unknown = new ArrayList<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.equals("--")) {
        continue;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!command.optionsMap().containsKey(name)) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  private static boolean onCommandLine(OptionSpec option, List<String> args) {
    for (String arg : args) {
      for (String name : option.names()) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String quoted(List<String> values) {
    List<String> q = new ArrayList<>();
    for (String v : values) {
      q.add("'" + v + "'");
    }
    return String.join(", ", q);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
