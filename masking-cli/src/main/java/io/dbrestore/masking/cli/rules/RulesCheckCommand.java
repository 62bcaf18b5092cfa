package io.dbrestore.masking.cli.rules;

import io.dbrestore.masking.rules.Rules;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.LocalOnly;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rules check <file>}: the rules file validated offline, no key, no database. */
@Command(
    name = "check",
    description = {
      "Validate a rules file offline: YAML, schema, strategies and their options, paths. No"
          + " masking key and no database needed.",
      "Prints one line with the counts when it is valid; exit 2 with the file and line otherwise."
    })
public final class RulesCheckCommand extends JobCommand implements LocalOnly, RulesHost.Standalone {
  @Parameters(
      index = "0",
      paramLabel = "<file|s3://bucket/key>",
      description = "The rules (YAML): a file, or a versioned S3 object.")
  String file;

  /** The counts of a valid file. */
  public record Checked(String file, boolean ok, int databases, int collections, int fieldRules) {}

  Checked check(RulesHost host) {
    Rules rules = RulesFiles.read(host, file).rules();
    RulesFiles.compile(rules);
    int collections = 0;
    int fields = 0;
    for (Rules.Database db : rules.databases().values()) {
      collections += db.collections().size();
      for (Rules.Collection c : db.collections().values()) {
        fields += c.fields().size();
      }
    }
    return new Checked(rules.source(), true, rules.databases().size(), collections, fields);
  }

  /**
   * A rules check is no pipeline run: its seconds and exit codes would mix with the masking runs'
   * in the job's metrics (the drift pipeline's own outcome is its execution and its messages).
   */
  @Override
  protected boolean emitsMetrics() {
    return false;
  }

  @Override
  protected Object execute(JobContext context) {
    Checked c = check(new JobHost(context));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", c.file());
    result.put("ok", true);
    result.put("databases", c.databases());
    result.put("collections", c.collections());
    result.put("fieldRules", c.fieldRules());
    return result;
  }

  @Override
  public int run(RulesHost host) throws Exception {
    Checked c = check(host);
    if (host.json()) {
      host.out().println(RulesDiffCommand.JSON.writeValueAsString(c));
    } else {
      host.out()
          .printf(
              "%s: OK (%d %s, %d %s, %d field %s)%n",
              c.file(),
              c.databases(),
              c.databases() == 1 ? "database" : "databases",
              c.collections(),
              c.collections() == 1 ? "collection" : "collections",
              c.fieldRules(),
              c.fieldRules() == 1 ? "rule" : "rules");
    }
    host.out().flush();
    return 0;
  }
}
