// The monitoring module's EventBridge rules to Sentry, exactly as the examples render them
// (terraform/build/rendered/sentry/<example>.json, written by extract-rendered.mjs): each rule's
// event pattern is matched against AWS's sample events, its input transformer applied to them the
// way EventBridge does, and the result must be a Sentry event with the tags and the fingerprint of
// the jobs' own (job-runtime SentryReporter).
//
// Sample events:
//   ECS task state change: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
//     (the documented sample is a RUNNING Fargate task; the STOPPED variants below set the fields the
//     Task object has for a stopped task: stopCode, stoppedReason, stoppedAt, containers[].exitCode
//     and reason, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html; the
//     out-of-memory reason is ECS's, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/out-of-memory.html)
//   Step Functions execution status change:
//     https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html
// Input transformation (EventBridge user guide, "Amazon EventBridge input transformation",
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html): a
// variable outside quotes becomes its JSON value; inside a JSON string its raw text, and
// "EventBridge doesn't escape values extracted by Input Path" there. JSON paths: dot notation and
// array indices. A path missing from the event is an error here (the rules never rely on it).
// Sentry event: https://develop.sentry.dev/sdk/foundations/transport/event-payloads/
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const RENDERED = join(dirname(fileURLToPath(import.meta.url)), "..", "build", "rendered");
const SENTRY = join(RENDERED, "sentry");

// --- the documented samples ------------------------------------------------------------------------
const ECS_SAMPLE = {
  version: "0",
  id: "3317b2af-7005-947d-b652-f55e762e571a",
  "detail-type": "ECS Task State Change",
  source: "aws.ecs",
  account: "111122223333",
  time: "2020-01-23T17:57:58Z",
  region: "us-west-2",
  resources: ["arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad"],
  detail: {
    attachments: [
      {
        id: "1789bcae-ddfb-4d10-8ebe-8ac87ddba5b8",
        type: "eni",
        status: "ATTACHED",
        details: [
          { name: "subnetId", value: "subnet-abcd1234" },
          { name: "networkInterfaceId", value: "eni-abcd1234" },
          { name: "macAddress", value: "0a:98:eb:a7:29:ba" },
          { name: "privateIPv4Address", value: "10.0.0.139" },
        ],
      },
    ],
    availabilityZone: "us-west-2c",
    clusterArn: "arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster",
    containers: [
      {
        containerArn: "arn:aws:ecs:us-west-2:111122223333:container/cf159fd6-3e3f-4a9e-84f9-66cbe726af01",
        lastStatus: "RUNNING",
        name: "FargateApp",
        image: "111122223333.dkr.ecr.us-west-2.amazonaws.com/hello-repository:latest",
        imageDigest: "sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6",
        runtimeId: "ad64cbc71c7fb31c55507ec24c9f77947132b03d48d9961115cf24f3b7307e1e",
        taskArn: "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad",
        networkInterfaces: [{ attachmentId: "1789bcae-ddfb-4d10-8ebe-8ac87ddba5b8", privateIpv4Address: "10.0.0.139" }],
        cpu: "0",
      },
    ],
    createdAt: "2020-01-23T17:57:34.402Z",
    launchType: "FARGATE",
    cpu: "256",
    memory: "512",
    desiredStatus: "RUNNING",
    group: "family:sample-fargate",
    lastStatus: "RUNNING",
    overrides: { containerOverrides: [{ name: "FargateApp" }] },
    connectivity: "CONNECTED",
    connectivityAt: "2020-01-23T17:57:38.453Z",
    pullStartedAt: "2020-01-23T17:57:52.103Z",
    startedAt: "2020-01-23T17:57:58.103Z",
    pullStoppedAt: "2020-01-23T17:57:55.103Z",
    updatedAt: "2020-01-23T17:57:58.103Z",
    taskArn: "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad",
    taskDefinitionArn: "arn:aws:ecs:us-west-2:111122223333:task-definition/sample-fargate:1",
    version: 4,
    platformVersion: "1.3.0",
  },
};

function sfnSample(status, stateMachineArn) {
  const name = "4f7b1e2c-6a3d-4c55-9a51-0d6f3c1e2b7a";
  const executionArn = stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
  return {
    version: "0",
    id: "315c1398-40ff-a850-213b-158f73e60175",
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account: stateMachineArn.split(":")[4],
    time: "2019-02-26T19:42:21Z",
    region: stateMachineArn.split(":")[3],
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate: 1551225146847,
      stopDate: 1551225151881,
      input: "{}",
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
    },
  };
}

// --- what the pipelines start: the container overrides of a rendered ECS step -----------------------
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAYDtask-token-never-forwarded";
const EXECUTION = "arn:aws:states:eu-west-1:444455556666:execution:dbrestore-develop:0e4c7f52-6a2b-4f1e-9d3c-5b8a1f2e7c90";

function definitions() {
  return Object.fromEntries(
    readdirSync(RENDERED)
      .filter((f) => f.endsWith(".json") && !f.startsWith("containers-"))
      .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(RENDERED, f), "utf8"))]),
  );
}

function ecsSteps(states, found = []) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Resource === "arn:aws:states:::ecs:runTask.waitForTaskToken") found.push([name, state]);
    for (const branch of state.Branches ?? []) ecsSteps(branch.States, found);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) ecsSteps(processor.States, found);
  }
  return found;
}

// RunTask's overrides as ECS records them: Step Functions has resolved every "Value.$".
function overridesOf(step, target) {
  const o = step.Parameters.Overrides.ContainerOverrides[0];
  const resolve = (e) => {
    if ("Value" in e) return e.Value;
    if (e["Value.$"] === "$$.Task.Token") return TOKEN;
    if (e["Value.$"] === "$$.Execution.Id") return EXECUTION;
    if (e.Name === "DBRESTORE_TARGET") return target;
    return "";
  };
  return {
    containerOverrides: [
      {
        name: o.Name,
        command: o.Command ?? ["restore", "--cluster", "develop-monolith"],
        environment: o.Environment.map((e) => ({ name: e.Name, value: resolve(e) })),
      },
    ],
  };
}

function stoppedTask({ cluster, job, step, target = "develop", stopCode, stoppedReason, container = {} }) {
  const e = structuredClone(ECS_SAMPLE);
  const [, , , region, account] = cluster.split(":");
  const taskArn = `arn:aws:ecs:${region}:${account}:task/dbrestore/9d2f4c1b7e6a4f0c8b3d5e1a2c7f9b04`;
  Object.assign(e, { account, region, resources: [taskArn] });
  Object.assign(e.detail, {
    clusterArn: cluster,
    group: `family:dbrestore-${job}`,
    taskArn,
    taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/dbrestore-${job}:12`,
    startedBy: "5d41402abc4b2a76b9719d911017c592",
    overrides: overridesOf(step, target),
    lastStatus: "STOPPED",
    desiredStatus: "STOPPED",
    stopCode,
    stoppedReason,
    stoppingAt: "2020-01-23T18:10:58.103Z",
    stoppedAt: "2020-01-23T18:11:08.103Z",
  });
  e.detail.containers = [
    {
      ...e.detail.containers[0],
      name: job,
      image: `${account}.dkr.ecr.${region}.amazonaws.com/dbrestore/${job}:0.1.0`,
      taskArn,
      lastStatus: "STOPPED",
      ...container,
    },
  ];
  return e;
}

// --- EventBridge, as documented ------------------------------------------------------------------------
// Values at a dotted path; arrays are flattened at every level (EventBridge matches each leaf of a
// pattern against every value an array holds at that path).
function valuesAt(value, keys) {
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, keys));
  if (keys.length === 0) return [value];
  if (value === null || typeof value !== "object" || !(keys[0] in value)) return [];
  return valuesAt(value[keys[0]], keys.slice(1));
}

function leafMatches(matcher, values) {
  if (matcher === null || typeof matcher !== "object") return values.some((v) => v === matcher);
  if ("prefix" in matcher) return values.some((v) => typeof v === "string" && v.startsWith(matcher.prefix));
  if ("anything-but" in matcher) {
    const excluded = [].concat(matcher["anything-but"]);
    return values.length > 0 && values.some((v) => !excluded.includes(v));
  }
  if ("exists" in matcher) return matcher.exists === values.length > 0;
  throw new Error(`matcher not implemented here: ${JSON.stringify(matcher)}`);
}

function matches(pattern, event, keys = []) {
  return Object.entries(pattern).every(([k, p]) =>
    Array.isArray(p) ? p.some((m) => leafMatches(m, valuesAt(event, [...keys, k]))) : matches(p, event, [...keys, k]),
  );
}

function jsonPath(event, path) {
  assert.match(path, /^\$(\.[A-Za-z0-9_-]+(\[[0-9]+\])*)+$/, `EventBridge supports dot notation and array indices only: ${path}`);
  let value = event;
  for (const [, key, indices] of path.matchAll(/\.([A-Za-z0-9_-]+)((?:\[[0-9]+\])*)/g)) {
    if (value === null || typeof value !== "object" || !(key in value)) throw new Error(`${path}: no ${key} in the event`);
    value = value[key];
    for (const [, i] of indices.matchAll(/\[([0-9]+)\]/g)) {
      if (!Array.isArray(value) || value.length <= Number(i)) throw new Error(`${path}: no [${i}] in the event`);
      value = value[Number(i)];
    }
  }
  return value;
}

function transform({ input_paths: paths, input_template: template }, event) {
  const values = Object.fromEntries(Object.entries(paths).map(([name, path]) => [name, jsonPath(event, path)]));
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "<") {
      const end = template.indexOf(">", i);
      const name = template.slice(i + 1, end);
      assert.ok(name in values, `the template uses <${name}>, which input_paths does not define`);
      const v = values[name];
      // Inside a JSON string: the raw text, unescaped (as EventBridge does); outside: JSON.
      out += inString ? (typeof v === "string" ? v : JSON.stringify(v)) : JSON.stringify(v);
      i = end;
      continue;
    }
    if (c === "\\" && inString) {
      out += c + template[++i];
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
  }
  return out;
}

// --- Sentry ------------------------------------------------------------------------------------------
const JOB_TAGS = ["job", "step", "exit_code", "error_kind", "execution_arn"];

function assertSentryEvent(body, { ecs, expect = {} }) {
  assert.ok(Buffer.byteLength(body) < 256 * 1024, "EventBridge sends at most 256 KB");
  const event = JSON.parse(body); // throws on invalid JSON
  // Required: event_id (a UUID; Sentry's ingestion parses it with or without hyphens), timestamp
  // (RFC 3339 or epoch seconds), platform (one of Sentry's; "other" for us).
  assert.match(event.event_id, /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/);
  assert.ok(!Number.isNaN(Date.parse(event.timestamp)) && /Z$/.test(event.timestamp), "timestamp is RFC 3339 UTC");
  assert.equal(event.platform, "other");
  assert.ok(["fatal", "error", "warning", "info", "debug"].includes(event.level));
  assert.equal(typeof event.environment, "string");
  assert.equal(typeof event.logentry.message, "string");
  assert.ok(Array.isArray(event.logentry.params));
  assert.equal((event.logentry.message.match(/%s/g) ?? []).length, event.logentry.params.length, "one param per %s");
  // Tags: strings (keys up to 32, values up to 200 characters), those of SentryReporter.
  for (const [k, v] of Object.entries(event.tags)) {
    assert.equal(typeof v, "string", `tag ${k} is a string`);
    assert.ok(k.length <= 32 && v.length > 0 && v.length <= 200, `tag ${k}=${v} within Sentry's limits`);
  }
  for (const k of [...JOB_TAGS, ...(ecs ? ["target", "ecs_task_arn"] : [])]) assert.ok(k in event.tags, `tag ${k}`);
  for (const [k, v] of Object.entries(expect)) assert.equal(event.tags[k], v, `tag ${k}`);
  // Fingerprint [job, step, error_kind], as SentryReporter's.
  assert.deepEqual(event.fingerprint, [event.tags.job, event.tags.step, event.tags.error_kind]);
  assert.equal(typeof event.extra, "object");
  // Never the task token, never the command line.
  assert.ok(!body.includes(TOKEN), "the task token is not forwarded");
  assert.ok(!/--cluster|"command"/.test(body), "the command line is not forwarded");
  return event;
}

function formatted(event) {
  let i = 0;
  return event.logentry.message.replace(/%s/g, () => String(event.logentry.params[i++]));
}

// --- the tests ----------------------------------------------------------------------------------------
const examples = existsSync(SENTRY) ? readdirSync(SENTRY).filter((f) => f.endsWith(".json")) : [];

test("both examples render Sentry rules", () => {
  assert.deepEqual(examples.sort(), ["development.json", "production.json"], `run terraform/test/run.sh first (${SENTRY})`);
});

describe("the overrides the ECS rules read", () => {
  test("every job step passes the job as container name, DBRESTORE_EXECUTION_ARN second and DBRESTORE_TARGET third", () => {
    const defs = definitions();
    let steps = 0;
    for (const [machine, definition] of Object.entries(defs)) {
      for (const [name, step] of ecsSteps(definition.States)) {
        const o = step.Parameters.Overrides.ContainerOverrides;
        assert.equal(o.length, 1, `${machine}.${name}: one container override`);
        const family = step.Parameters.TaskDefinition.split(":task-definition/")[1].split(":")[0];
        assert.equal(`dbrestore-${o[0].Name}`, family, `${machine}.${name}: the container is named after the job`);
        assert.deepEqual(o[0].Environment.slice(0, 3).map((e) => e.Name), ["DBRESTORE_TASK_TOKEN", "DBRESTORE_EXECUTION_ARN", "DBRESTORE_TARGET"], `${machine}.${name}`);
        steps++;
      }
    }
    assert.ok(steps >= 8, `found ${steps} job steps`);
  });
});

for (const file of examples) {
  const example = file.replace(/\.json$/, "");
  const rules = JSON.parse(readFileSync(join(SENTRY, file), "utf8"));
  const patterns = Object.fromEntries(Object.entries(rules).map(([k, r]) => [k, JSON.parse(r.event_pattern)]));
  const cluster = patterns["ecs-failed-to-start"].detail.clusterArn[0];
  const defs = definitions();
  const machine = example === "production" ? "production-masked-snapshots" : "development-develop";
  const [stepName, step] = ecsSteps(defs[machine].States)[0];
  const job = step.Parameters.Overrides.ContainerOverrides[0].Name;
  const target = example === "production" ? "production" : "develop";
  const matching = (event) => Object.keys(rules).filter((k) => matches(patterns[k], event));

  describe(`${example}: Sentry events from outside the jobs`, () => {
    test("a task that failed to start: job, target, execution, task; step start", () => {
      const reason = 'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "111122223333.dkr.ecr.eu-west-1.amazonaws.com/dbrestore/aurora-restore:0.1.0": not found';
      const e = stoppedTask({ cluster, job, step, target, stopCode: "TaskFailedToStart", stoppedReason: reason, container: { reason } });
      assert.deepEqual(matching(e), ["ecs-failed-to-start"]);
      const event = assertSentryEvent(transform(rules["ecs-failed-to-start"], e), { ecs: true, expect: { job, target, execution_arn: EXECUTION } });
      assert.deepEqual(event.tags, {
        job,
        target,
        step: "start",
        exit_code: "TaskFailedToStart",
        error_kind: "task-failed-to-start",
        execution_arn: EXECUTION,
        ecs_task_arn: e.detail.taskArn,
        reported_by: "eventbridge",
      });
      assert.equal(formatted(event), `${job} start: ${reason}`, "the stopped reason, quotes and all");
      assert.equal(event.event_id, e.id);
      assert.equal(event.environment, example);
      assert.equal(event.extra.task_definition_arn, e.detail.taskDefinitionArn);
    });

    test("a container killed for memory: error_kind out-of-memory, the container's reason", () => {
      const e = stoppedTask({
        cluster, job, step, target,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        container: { exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" },
      });
      assert.deepEqual(matching(e), ["ecs-out-of-memory"]);
      const event = assertSentryEvent(transform(rules["ecs-out-of-memory"], e), { ecs: true, expect: { job, target, execution_arn: EXECUTION } });
      assert.deepEqual(event.fingerprint, [job, "task", "out-of-memory"]);
      assert.equal(event.tags.exit_code, "OutOfMemoryError");
      assert.equal(formatted(event), `${job} task: OutOfMemoryError: Container killed due to memory usage`);
      assert.equal(event.extra.containers[0].exitCode, 137);
    });

    test("a container ended by a signal: error_kind unexpected-exit, the exit code as a tag", () => {
      const e = stoppedTask({
        cluster, job, step, target,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        container: { exitCode: 134 },
      });
      assert.deepEqual(matching(e), ["ecs-unexpected-exit"]);
      const event = assertSentryEvent(transform(rules["ecs-unexpected-exit"], e), { ecs: true, expect: { job, target, execution_arn: EXECUTION } });
      assert.deepEqual(event.fingerprint, [job, "task", "unexpected-exit"]);
      assert.equal(event.tags.exit_code, "134");
      assert.equal(event.tags.target, target);
    });

    test("the job's own exits (0-6, it reported them itself) and a kill after a stop are not sent", () => {
      for (const exitCode of [0, 1, 2, 3, 4, 5, 6, 137]) {
        const e = stoppedTask({ cluster, job, step, target, stopCode: exitCode === 137 ? "UserInitiated" : "EssentialContainerExited", stoppedReason: "Essential container in task exited", container: { exitCode } });
        assert.deepEqual(matching(e), [], `exit ${exitCode}`);
      }
    });

    test("tasks of another cluster, another family or not started by a pipeline are not sent", () => {
      const base = () => stoppedTask({ cluster, job, step, target, stopCode: "TaskFailedToStart", stoppedReason: "ResourceInitializationError: unable to pull secrets" });
      const other = base();
      other.detail.clusterArn = cluster.replace("/dbrestore", "/other");
      const family = base();
      family.detail.group = "family:someone-else";
      const manual = base();
      manual.detail.overrides = { containerOverrides: [{ name: job }] };
      const running = structuredClone(ECS_SAMPLE);
      for (const e of [other, family, manual, running]) assert.deepEqual(matching(e), []);
    });

    test("a reason with quotes, backslashes and a newline still makes valid JSON", () => {
      const reason = 'ResourceInitializationError: unable to pull secrets or registry auth: "execution resource retrieval failed" \\ C:\\path\nsecond line';
      const e = stoppedTask({ cluster, job, step, target, stopCode: "TaskFailedToStart", stoppedReason: reason });
      const event = assertSentryEvent(transform(rules["ecs-failed-to-start"], e), { ecs: true, expect: { job, target, execution_arn: EXECUTION } });
      assert.equal(event.extra.stopped_reason, reason);
    });

    for (const [key, pattern] of Object.entries(patterns).filter(([k]) => k.startsWith("execution-"))) {
      const arn = pattern.detail.stateMachineArn[0];
      test(`${key}: FAILED and TIMED_OUT are sent with the pipeline's tags; ABORTED and SUCCEEDED are not`, () => {
        for (const status of ["FAILED", "TIMED_OUT"]) {
          const e = sfnSample(status, arn);
          assert.deepEqual(matching(e), [key], status);
          const event = assertSentryEvent(transform(rules[key], e), { ecs: false });
          const name = arn.split(":")[6];
          assert.deepEqual(event.fingerprint, [name, "execution", status]);
          assert.equal(event.tags.pipeline, key.replace(/^execution-/, ""));
          assert.equal(event.tags.execution_arn, e.detail.executionArn);
          assert.equal(event.extra.stop_date, e.detail.stopDate);
          assert.equal(formatted(event), `${name} execution: ${e.detail.name} ended ${status} (the failed steps were notified with their exit code and log link)`);
        }
        for (const status of ["ABORTED", "SUCCEEDED", "RUNNING"]) assert.deepEqual(matching(sfnSample(status, arn)), [], status);
      });
    }

    test(`every pipeline's execution rule takes only its own state machine (${stepName} of ${machine} is ${job})`, () => {
      const arns = Object.entries(patterns).filter(([k]) => k.startsWith("execution-")).map(([, p]) => p.detail.stateMachineArn);
      assert.ok(arns.every((a) => a.length === 1));
      assert.equal(new Set(arns.map((a) => a[0])).size, arns.length);
    });
  });
}
