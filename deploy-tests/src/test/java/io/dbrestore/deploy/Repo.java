package io.dbrestore.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Paths of the repository the build runs in. */
final class Repo {
  private Repo() {}

  static Path root() {
    String configured = System.getProperty("dbrestore.root");
    Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("terraform"))) {
        return p;
      }
    }
    throw new IllegalStateException("not inside the dbrestore repository: " + start);
  }

  static Path rendered() {
    return root().resolve("terraform/build/rendered");
  }

  /** The one list of jobs: one a line, the name first; # starts a comment line. */
  static Path jobList() {
    return root().resolve("terraform/modules/pipeline/jobs.txt");
  }

  /** The job names of {@link #jobList()}, in its order. */
  static List<String> jobs() {
    try {
      return Files.readAllLines(jobList(), StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(line -> line.split("\\s+", 2)[0])
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
