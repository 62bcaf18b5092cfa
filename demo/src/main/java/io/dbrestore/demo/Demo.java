package io.dbrestore.demo;

import io.dbrestore.runtime.JobMain;

/** The entry point of {@code ./dbrestore demo}. */
public final class Demo {
  private Demo() {}

  public static JobMain entryPoint() {
    return new JobMain("demo", DemoCommand::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
