package io.dbrestore.runtime;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A job's top-level command: it only holds subcommands, so running it alone is an error (2). */
public abstract class JobGroup implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command: choose one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
