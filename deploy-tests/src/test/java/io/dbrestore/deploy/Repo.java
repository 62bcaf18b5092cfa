package io.dbrestore.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
