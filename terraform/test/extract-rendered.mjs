// Reads `terraform test -json -verbose` on stdin: prints each run's result, and writes the
// outputs of the run named "render" (state_machine_definitions, task_definitions) to
// terraform/build/rendered/, its iam_policies to terraform/build/rendered/iam/<role>.json and its
// kms_key_policies to terraform/build/rendered/kms/<key>.json, its schedule_targets into
// terraform/build/rendered/simulation/schedules.json (both examples') and its job_roles to
// terraform/build/rendered/simulation/roles-<example>.json (not at the top level, where every
// other *.json is taken for a state machine), and its sentry_event_rules (the monitoring module's
// EventBridge rules to Sentry) to terraform/build/rendered/sentry/<example>.json.
// Exits 1 if any run failed or errored, or nothing was rendered.
import { createInterface } from "node:readline";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [outDir, example] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
let failed = false;
let rendered = 0;
let summary = null;

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith("{")) continue;
  const event = JSON.parse(line);
  if (event.type === "test_run" && event.test_run.progress === "complete") {
    const status = event.test_run.status;
    console.log(`  ${example}: run "${event.test_run.run}" ${status}`);
    if (status !== "pass") failed = true;
  } else if (event.type === "diagnostic" && event["@level"] === "error") {
    failed = true;
    const d = event.diagnostic;
    console.log(`  ${example}: ${d.summary}: ${d.detail ?? ""}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ""}`);
  } else if (event.type === "test_state" && event["@testrun"] === "render") {
    const outputs = event.test_state.outputs ?? {};
    for (const [name, definition] of Object.entries(outputs.state_machine_definitions?.value ?? {})) {
      writeFileSync(join(outDir, `${name}.json`), JSON.stringify(JSON.parse(definition), null, 2) + "\n");
      rendered++;
    }
    const policies = outputs.iam_policies?.value ?? {};
    if (Object.keys(policies).length) mkdirSync(join(outDir, "iam"), { recursive: true });
    for (const [role, policy] of Object.entries(policies)) {
      writeFileSync(join(outDir, "iam", `${role}.json`), JSON.stringify(JSON.parse(policy), null, 2) + "\n");
    }
    for (const [key, policy] of Object.entries(outputs.kms_key_policies?.value ?? {})) {
      mkdirSync(join(outDir, "kms"), { recursive: true });
      writeFileSync(join(outDir, "kms", `${key}.json`), JSON.stringify(JSON.parse(policy), null, 2) + "\n");
    }
    const schedules = outputs.schedule_targets?.value;
    const simulation = join(outDir, "simulation");
    if (schedules) {
      mkdirSync(simulation, { recursive: true });
      const file = join(simulation, "schedules.json");
      const all = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
      writeFileSync(file, JSON.stringify({ ...all, ...schedules }, null, 2) + "\n");
    }
    const roles = outputs.job_roles?.value;
    if (roles) {
      mkdirSync(simulation, { recursive: true });
      writeFileSync(join(simulation, `roles-${example}.json`), JSON.stringify(roles, null, 2) + "\n");
    }
    const sentryRules = outputs.sentry_event_rules?.value;
    if (sentryRules && Object.keys(sentryRules).length) {
      mkdirSync(join(outDir, "sentry"), { recursive: true });
      writeFileSync(join(outDir, "sentry", `${example}.json`), JSON.stringify(sentryRules, null, 2) + "\n");
    }
    const containers = outputs.task_definitions?.value;
    if (containers) {
      writeFileSync(join(outDir, `containers-${example}.json`), JSON.stringify(containers, null, 2) + "\n");
    }
  } else if (event.type === "test_summary") {
    summary = event.test_summary;
  }
}

if (!summary || summary.status !== "pass") failed = true;
if (rendered === 0) {
  console.log(`  ${example}: no run "render" wrote state_machine_definitions`);
  failed = true;
}
console.log(`  ${example}: ${summary ? `${summary.passed} passed, ${summary.failed} failed, ${summary.errored} errored` : "no summary"}; ${rendered} definitions rendered`);
process.exit(failed ? 1 : 0);
