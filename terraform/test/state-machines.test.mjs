// Executes the state machines exactly as Terraform renders them (terraform/build/rendered/*.json)
// with aws-local-stepfunctions, every AWS call mocked, and validates each with asl-validator.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import aslValidator from "asl-validator";
import jsonata from "jsonata";
import { StateMachine, ExecutionError } from "aws-local-stepfunctions";

const RENDERED = join(dirname(fileURLToPath(import.meta.url)), "..", "build", "rendered");
const names = readdirSync(RENDERED).filter((f) => f.endsWith(".json") && !f.startsWith("containers-"));
const definitions = Object.fromEntries(names.map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(RENDERED, f), "utf8"))]));
const TOKEN = "task-token-for-the-test";
const NEVER_RETRIED = ["REFUSED", "VERIFICATION_FAILED", "INVALID_INPUT", "TIMED_OUT", "CANCELLED", "States.ALL", "States.TaskFailed", "States.Timeout"];

function jobError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

function allStates(states, visit, path = []) {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state, path);
    for (const branch of state.Branches ?? []) allStates(branch.States, visit, [...path, name]);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) allStates(processor.States, visit, [...path, name]);
  }
}

function ecsStates(definition) {
  const found = [];
  allStates(definition.States, (name, state) => {
    if (state.Resource === "arn:aws:states:::ecs:runTask.waitForTaskToken") found.push([name, state]);
  });
  return found;
}

function env(request, variable) {
  return request.Overrides.ContainerOverrides[0].Environment.find((e) => e.Name === variable)?.Value;
}

/** Runs a rendered definition with every Task state mocked; records each call. */
async function run(name, input, handlers, { retryZero = true } = {}) {
  const definition = definitions[name];
  assert.ok(definition, `rendered definition ${name} exists`);
  const calls = [];
  const taskHandlers = {};
  const retryIntervalOverrides = {};
  allStates(definition.States, (stateName, state) => {
    if (state.Type !== "Task") return;
    if (retryZero) retryIntervalOverrides[stateName] = 0;
    taskHandlers[stateName] = async (request) => {
      const args = state.QueryLanguage === "JSONata" ? await evaluateJsonata(state.Arguments, request) : request;
      calls.push({ state: stateName, request: args });
      const handler = handlers[stateName] ?? handlers[state.Resource];
      if (!handler) throw new Error(`no mock for state ${stateName} (${state.Resource})`);
      return handler(args, calls.filter((c) => c.state === stateName).length);
    };
  });
  const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers: taskHandlers, retryIntervalOverrides },
    context: {
      Execution: { Id: EXECUTION, Name: "run-1" },
      Task: { Token: TOKEN },
      State: { EnteredTime: ENTERED },
    },
  });
  try {
    return { output: await execution.result, calls };
  } catch (e) {
    if (e instanceof ExecutionError) return { error: e.cause ?? e, calls };
    throw e;
  }
}

const EXECUTION = "arn:aws:states:eu-west-1:444455556666:execution:dbrestore-develop:run-1";
const ENTERED = "2026-01-10T03:00:00.000Z";
// The stop-tasks machine finds a pipeline's tasks by the startedBy the pipeline computed with
// States.Hash(execution ARN, 'MD5'). The expected value comes from the same engine (both sides
// agree). ECS: startedBy takes "Up to 36 letters (uppercase and lowercase), numbers, hyphens (-),
// forward slash (/), and underscores (_)" (RunTask/StartTask API reference): MD5's 32 hex
// characters fit, SHA-1's 40 do not.
const STARTED_BY = await new StateMachine({
  StartAt: "H",
  States: { H: { Type: "Pass", Parameters: { "h.$": "States.Hash($.x, 'MD5')" }, End: true } },
}).run({ x: EXECUTION }).result.then((r) => r.h);
assert.match(STARTED_BY, /^[A-Za-z0-9\/_-]{1,36}$/, "a startedBy ECS accepts");

/** Evaluates a JSONata state's Arguments the way Step Functions does ({% expr %} strings). */
async function evaluateJsonata(template, input) {
  const bindings = { states: { input, context: { Execution: { Id: EXECUTION }, State: { EnteredTime: ENTERED } } } };
  if (typeof template === "string") {
    const m = template.match(/^\{%(.*)%\}$/s);
    return m ? await jsonata(m[1]).evaluate({}, bindings) : template;
  }
  if (Array.isArray(template)) return Promise.all(template.map((t) => evaluateJsonata(t, input)));
  if (template && typeof template === "object") {
    const out = {};
    for (const [k, v] of Object.entries(template)) out[k] = await evaluateJsonata(v, input);
    return out;
  }
  return template;
}

const done = (job) => async (request) => ({ job, status: "DONE", logLink: "https://console.aws.amazon.com/cloudwatch/logs", command: request.Overrides.ContainerOverrides[0].Command });
const published = () => async () => ({ MessageId: "m-1" });

describe("asl-validator", () => {
  test("there are rendered definitions (terraform test wrote them)", () => {
    assert.ok(names.length >= 8, `found ${names.join(", ")}`);
  });
  for (const [name, definition] of Object.entries(definitions)) {
    test(`${name} is valid ASL`, () => {
      const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
      assert.ok(isValid, errorsText("\n"));
    });
  }
});

describe("every job step", () => {
  for (const [name, definition] of Object.entries(definitions)) {
    for (const [stateName, state] of ecsStates(definition)) {
      test(`${name} ${stateName}: token, execution, heartbeat, timeout, tags, retries`, () => {
        const override = state.Parameters.Overrides.ContainerOverrides[0];
        const vars = Object.fromEntries(override.Environment.map((e) => [e.Name, e["Value.$"] ?? e.Value]));
        assert.equal(vars.DBRESTORE_TASK_TOKEN, "$$.Task.Token");
        assert.equal(vars.DBRESTORE_EXECUTION_ARN, "$$.Execution.Id");
        assert.ok(state.HeartbeatSeconds >= 180, "HeartbeatSeconds at least 3x the job's 60 s heartbeat");
        assert.ok(state.TimeoutSeconds > state.HeartbeatSeconds);
        assert.equal(state.Parameters["StartedBy.$"], "States.Hash($$.Execution.Id, 'MD5')", "the stop-tasks machine finds tasks by startedBy");
        assert.equal(vars.DBRESTORE_HEARTBEAT_TIMEOUT_SECONDS, String(state.HeartbeatSeconds), "the job cancels itself when its heartbeats fail this long");
        for (const retrier of state.Retry) {
          for (const error of retrier.ErrorEquals) assert.ok(!NEVER_RETRIED.includes(error), `${error} is never retried`);
        }
        assert.ok(state.Catch.some((c) => c.ErrorEquals.includes("States.ALL")), "every failure is caught and notified");
      });
    }
  }
});

describe("every notification", () => {
  // SNS Publish: Subject "must be ASCII text that begins with a letter, number, or punctuation
  // mark; must not include line breaks or control characters; and must be less than 100
  // characters long" (SNS API reference). A subject built from a cluster, database or error name
  // could pass that and make the publish fail, and the alert vanish: subjects are fixed.
  for (const [name, definition] of Object.entries(definitions)) {
    const publishes = [];
    allStates(definition.States, (stateName, state) => {
      if (state.Resource === "arn:aws:states:::sns:publish") publishes.push([stateName, state]);
    });
    for (const [stateName, state] of publishes) {
      test(`${name} ${stateName}: a fixed subject under 100 characters`, () => {
        assert.equal(state.Parameters["Subject.$"], undefined, "no subject computed from the input");
        const subject = state.Parameters.Subject;
        assert.equal(typeof subject, "string");
        assert.ok(subject.length < 100, subject);
        assert.match(subject, /^[\x21-\x7e][\x20-\x7e]*$/, "ASCII, no control characters");
      });
    }
  }
});

describe("development restore pipeline (develop)", () => {
  const handlers = () => ({
    Aurora: done("aurora-restore"),
    MongoDB: done("mongo-restore"),
    Atlas: done("atlas-restore"),
    Microservice: done("aurora-restore"),
    "arn:aws:states:::sns:publish": published(),
  });

  test("happy path: {} restores every database, no notification", async () => {
    const { output, error, calls } = await run("development-develop", {}, handlers());
    assert.equal(error, undefined, error?.message);
    const ecs = calls.filter((c) => c.request.Overrides);
    assert.deepEqual(ecs.map((c) => c.state).sort(), ["Atlas", "Aurora", "Microservice", "Microservice", "MongoDB"]);
    for (const { request } of ecs) {
      assert.equal(env(request, "DBRESTORE_TASK_TOKEN"), TOKEN);
      assert.equal(env(request, "DBRESTORE_EXECUTION_ARN"), EXECUTION);
      assert.equal(env(request, "DBRESTORE_TARGET"), "develop");
      assert.equal(env(request, "DBRESTORE_DRY_RUN"), "false");
      assert.equal(request.StartedBy, STARTED_BY);
      assert.equal(request.LaunchType, "FARGATE");
    }
    const aurora = calls.find((c) => c.state === "Aurora").request;
    assert.deepEqual(aurora.Overrides.ContainerOverrides[0].Command.slice(0, 3), ["restore", "--cluster", "develop-monolith"]);
    assert.equal(env(aurora, "DBRESTORE_SNAPSHOT"), "", "no snapshot given: the newest shared one");
    const clusters = calls.filter((c) => c.state === "Microservice").map((c) => c.request.Overrides.ContainerOverrides[0].Command[2]);
    assert.deepEqual(clusters.sort(), ["develop-customers", "develop-orders"]);
    assert.equal(calls.filter((c) => c.request.TopicArn).length, 0);
    assert.ok(output.branches.every((b) => b.status === "DONE"));
  });

  test("hand-started input: a chosen snapshot and a dry run reach the jobs", async () => {
    const { error, calls } = await run("development-develop", { auroraSnapshot: "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dbrestore-masked-monolith-2026-01-01", dryRun: true }, handlers());
    assert.equal(error, undefined, error?.message);
    const aurora = calls.find((c) => c.state === "Aurora").request;
    assert.equal(env(aurora, "DBRESTORE_SNAPSHOT"), "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dbrestore-masked-monolith-2026-01-01");
    assert.ok(calls.filter((c) => c.request.Overrides).every((c) => env(c.request, "DBRESTORE_DRY_RUN") === "true"));
  });

  test("one failing branch: the others finish, one notification with exit code and log link, the outcome names it", async () => {
    const h = handlers();
    h.MongoDB = async () => {
      throw jobError("REFUSED", "the newest masked snapshot is 50h old, older than --max-age 36h | logs: https://logs.example/mongo-restore");
    };
    const { error, calls } = await run("development-develop", {}, h);
    assert.ok(error, "the execution fails");
    assert.equal(error.name, "dbrestore.BranchesFailed");
    assert.match(error.message, /\["mongodb"\]/);
    assert.equal(calls.filter((c) => c.state === "MongoDB").length, 1, "REFUSED is not retried");
    assert.equal(calls.filter((c) => c.state === "Aurora").length, 1);
    assert.equal(calls.filter((c) => c.state === "Atlas").length, 1);
    assert.equal(calls.filter((c) => c.state === "Microservice").length, 2);
    const notes = calls.filter((c) => c.request.TopicArn);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].request.Subject, "dbrestore develop: mongodb failed");
    assert.match(notes[0].request.Message, /REFUSED/);
    assert.match(notes[0].request.Message, /logs: https:\/\/logs\.example\/mongo-restore/);
    assert.ok(notes[0].request.Subject.length <= 100, "SNS subjects are at most 100 characters");
  });

  test("retries exhausted on an ECS error: retried, then notified", async () => {
    const h = handlers();
    h.Atlas = async () => {
      throw jobError("ECS.AmazonECSException", "RESOURCE:ENI: no capacity");
    };
    const { error, calls } = await run("development-develop", {}, h);
    const retry = ecsStates(definitions["development-develop"]).find(([n]) => n === "Atlas")[1].Retry.find((r) => r.ErrorEquals.includes("ECS.AmazonECSException"));
    assert.equal(calls.filter((c) => c.state === "Atlas").length, 1 + retry.MaxAttempts);
    const notes = calls.filter((c) => c.request.TopicArn);
    assert.equal(notes.length, 1);
    assert.match(notes[0].request.Message, /ECS\.AmazonECSException/);
    assert.match(error.message, /\["atlas"\]/);
  });

  test("a failing microservice cluster: FAULT retried once, notified, named in the outcome", async () => {
    const h = handlers();
    h.Microservice = async (request) => {
      const cluster = request.Overrides.ContainerOverrides[0].Command[2];
      if (cluster === "develop-orders") throw jobError("FAULT", "RDS answered 500 | logs: https://logs.example/orders");
      return { status: "DONE" };
    };
    const { error, calls } = await run("development-develop", {}, h);
    const orders = calls.filter((c) => c.state === "Microservice" && c.request.Overrides.ContainerOverrides[0].Command[2] === "develop-orders");
    assert.equal(orders.length, 2, "FAULT is retried once: the jobs converge when run again");
    assert.match(error.message, /\["microservices"\]/);
    assert.match(error.message, /\["develop-orders"\]/);
    assert.equal(calls.filter((c) => c.request.TopicArn).length, 1);
  });

  test("a lost task (no heartbeat) is retried", async () => {
    const h = handlers();
    h.Aurora = async (request, attempt) => {
      if (attempt === 1) throw jobError("States.HeartbeatTimeout", "no heartbeat");
      return { status: "DONE" };
    };
    const { error, calls } = await run("development-develop", {}, h);
    assert.equal(error, undefined, error?.message);
    assert.equal(calls.filter((c) => c.state === "Aurora").length, 2);
  });
});

describe("production masked snapshots", () => {
  const handlers = () => ({
    MongoDB: done("mongo-mask-snapshot"),
    AuroraCluster: done("aurora-restore"),
    "arn:aws:states:::sns:publish": published(),
  });

  test("happy path: MongoDB and every Aurora cluster with personal data", async () => {
    const { error, calls } = await run("production-masked-snapshots", {}, handlers());
    assert.equal(error, undefined, error?.message);
    const sources = calls.filter((c) => c.state === "AuroraCluster").map((c) => c.request.Overrides.ContainerOverrides[0].Command);
    assert.deepEqual(sources.map((c) => c[2]).sort(), ["customers", "monolith", "orders"]);
    for (const command of sources) {
      assert.equal(command[0], "snapshot");
      assert.ok(command.includes("--share-with"));
      assert.equal(command[command.indexOf("--share-with") + 1], "444455556666");
    }
    // MongoDB: the copy at --device is only read; the masked copy goes to the blank volume at
    // --published-device through mongod-published, whose URI is in --published-uri-secret.
    const mongo = calls.find((c) => c.state === "MongoDB").request.Overrides.ContainerOverrides[0].Command;
    assert.equal(mongo[0], "run");
    assert.equal(mongo[mongo.indexOf("--device") + 1], "/dev/sdf");
    assert.equal(mongo[mongo.indexOf("--published-device") + 1], "/dev/sdg");
    assert.match(mongo[mongo.indexOf("--published-uri-secret") + 1], /^arn:aws:secretsmanager:.*:secret:dbrestore\/mongo-published-uri-/);
  });

  test("a verification failure is not retried and does not stop the other clusters", async () => {
    const h = handlers();
    h.AuroraCluster = async (request) => {
      if (request.Overrides.ContainerOverrides[0].Command[2] === "customers") throw jobError("VERIFICATION_FAILED", "3 values unmasked in customers.email | logs: https://logs.example/c");
      return { status: "DONE" };
    };
    const { error, calls } = await run("production-masked-snapshots", {}, h);
    assert.equal(calls.filter((c) => c.state === "AuroraCluster").length, 3);
    assert.equal(calls.filter((c) => c.state === "MongoDB").length, 1);
    assert.match(error.message, /\["aurora"\]/);
    assert.match(error.message, /\["customers"\]/);
    assert.match(calls.find((c) => c.request.TopicArn).request.Message, /VERIFICATION_FAILED/);
  });
});

describe("production rules drift, by day", () => {
  const PATCH = "databases:\n  shop:\n    collections:\n      customers:\n        fields:\n          marketing_opt_in: keep  # review: boolean values\n";
  const clean = async () => ({ drift: false, patch: "", undeclared: [], stale: [] });
  const drifted = async () => ({ drift: true, patch: PATCH, undeclared: [{ database: "shop", collection: "customers", path: "marketing_opt_in" }], stale: [] });

  test("read-only rules diff against the secondary and each reader, with the nightly rules; no drift, no notification", async () => {
    const { error, output, calls } = await run("production-drift", {}, { MongoDB: clean, AuroraCluster: clean, "arn:aws:states:::sns:publish": published() });
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(calls.filter((c) => c.request.TopicArn), []);
    const mongo = calls.find((c) => c.state === "MongoDB").request.Overrides.ContainerOverrides[0].Command;
    assert.deepEqual(mongo.slice(0, 2), ["rules", "diff"]);
    assert.ok(mongo.includes("--exit-zero"), "drift is a finding, not a failure of the task");
    assert.match(mongo[mongo.indexOf("--uri-secret") + 1], /secret:dbrestore\/mongo-secondary-uri-/);
    assert.equal(mongo[mongo.indexOf("--rules") + 1], "/etc/dbrestore/rules/mongo.yaml", "the rules the nightly masking uses");
    const aurora = calls.filter((c) => c.state === "AuroraCluster").map((c) => c.request.Overrides.ContainerOverrides[0].Command);
    assert.equal(aurora.length, 1);
    assert.deepEqual(aurora[0].slice(0, 2), ["rules", "diff"]);
    assert.match(aurora[0][aurora[0].indexOf("--jdbc-url") + 1], /^jdbc:postgresql:\/\/monolith\.cluster-ro-/);
    assert.equal(aurora[0][aurora[0].indexOf("--rules") + 1], "/etc/dbrestore/rules/monolith.yaml");
    assert.ok(aurora[0].includes("--credentials-secret"));
    assert.equal(output.anyFailed, false);
  });

  test("drift found: the patch is published, the execution succeeds and names what drifted", async () => {
    const { error, output, calls } = await run("production-drift", {}, { MongoDB: drifted, AuroraCluster: drifted, "arn:aws:states:::sns:publish": published() });
    assert.equal(error, undefined, error?.message);
    const notes = calls.filter((c) => c.request.TopicArn).map((c) => c.request);
    assert.equal(notes.length, 2, "one message per drifted database");
    for (const n of notes) {
      assert.ok(n.Subject.length < 100, n.Subject);
      assert.match(n.Subject, /rules drift/);
      assert.ok(n.Message.includes(PATCH), "the message carries the patch as the job wrote it");
      assert.match(n.Message, /execution: arn:aws:states:/);
    }
    assert.match(notes.find((n) => /monolith/.test(n.Message)).Message, /rules\/monolith\.yaml/);
    assert.deepEqual(output.branches.map((b) => b.status).sort(), ["DONE", "DRIFT"]);
    assert.deepEqual(output.branches.find((b) => b.name === "aurora").items, [{ name: "monolith", status: "DRIFT" }]);
  });

  test("a check that cannot run is notified with its exit code and fails the execution; the other branch still reports", async () => {
    const { error, calls } = await run("production-drift", {}, {
      MongoDB: async () => { throw jobError("INVALID_INPUT", "cannot connect to the secondary | logs: https://logs.example/m"); },
      AuroraCluster: drifted,
      "arn:aws:states:::sns:publish": published(),
    });
    assert.equal(error.name, "dbrestore.BranchesFailed");
    assert.match(error.message, /mongodb/);
    const messages = calls.filter((c) => c.request.TopicArn).map((c) => c.request.Message);
    assert.equal(messages.length, 2);
    assert.ok(messages.some((m) => /INVALID_INPUT/.test(m)));
    assert.ok(messages.some((m) => m.includes(PATCH)));
  });
});

describe("temporary database and teardown", () => {
  test("restores tmp-<name> with its TTL, then a one-time self-deleting schedule runs teardown", async () => {
    const { error, calls } = await run(
      "development-temporary",
      { name: "tmp-loadtest", ttlHours: 48 },
      {
        Restore: done("aurora-restore"),
        ScheduleTeardown: async () => ({ ScheduleArn: "arn:aws:scheduler:eu-west-1:444455556666:schedule/default/teardown-tmp-loadtest" }),
      },
    );
    assert.equal(error, undefined, error?.message);
    const restore = calls.find((c) => c.state === "Restore").request;
    const command = restore.Overrides.ContainerOverrides[0].Command;
    assert.deepEqual(command.slice(0, 5), ["restore", "--cluster", "tmp-loadtest", "--ttl", "48h"]);
    assert.equal(env(restore, "DBRESTORE_TARGET"), "tmp-loadtest");
    const schedule = calls.find((c) => c.state === "ScheduleTeardown").request;
    assert.equal(schedule.ScheduleExpression, "at(2026-01-12T03:00:00)", "48 hours after the state was entered");
    assert.equal(schedule.ActionAfterCompletion, "DELETE");
    assert.equal(schedule.Name, "teardown-tmp-loadtest");
    assert.equal(schedule.State, "ENABLED");
    assert.deepEqual(JSON.parse(schedule.Target.Input), { cluster: "tmp-loadtest" });
    assert.match(schedule.Target.Arn, /stateMachine:dbrestore-teardown$/);
    assert.match(schedule.Target.DeadLetterConfig?.Arn ?? "", /^arn:aws:sqs:/, "what the scheduler cannot deliver lands in the dead-letter queue");
  });

  test("a name outside tmp-* is refused before anything runs", async () => {
    const { error, calls } = await run("development-temporary", { name: "develop-monolith" }, {});
    assert.equal(error.name, "INVALID_INPUT");
    assert.equal(calls.length, 0);
  });

  test("a dry run restores nothing for real and leaves no schedule behind", async () => {
    const { error, calls } = await run("development-temporary", { name: "tmp-loadtest", dryRun: true }, { Restore: done("aurora-restore") });
    assert.equal(error, undefined, error?.message);
    assert.equal(env(calls.find((c) => c.state === "Restore").request, "DBRESTORE_DRY_RUN"), "true");
    assert.deepEqual(calls.map((c) => c.state), ["Restore"], "no CreateSchedule (a disabled one-time schedule would stay forever)");
  });

  for (const [why, input] of [
    ["a fractional ttlHours", { name: "tmp-loadtest", ttlHours: 1.5 }],
    ["a ttlHours given as text", { name: "tmp-loadtest", ttlHours: "24" }],
    ["a ttlHours of 0", { name: "tmp-loadtest", ttlHours: 0 }],
    ["two hyphens in a row (not an RDS identifier)", { name: "tmp--loadtest" }],
    ["a trailing hyphen (not an RDS identifier)", { name: "tmp-loadtest-" }],
    ["no name", {}],
  ]) {
    test(`${why} is refused before anything runs`, async () => {
      const { error, calls } = await run("development-temporary", input, {});
      assert.equal(error?.name, "INVALID_INPUT", JSON.stringify(input));
      assert.equal(calls.length, 0);
    });
  }

  test("teardown of the named cluster; {} sweeps every expired one", async () => {
    const one = await run("development-teardown", { cluster: "tmp-loadtest" }, { Teardown: done("aurora-restore") });
    assert.equal(one.error, undefined);
    const request = one.calls[0].request;
    assert.deepEqual(request.Overrides.ContainerOverrides[0].Command, ["teardown"]);
    assert.equal(env(request, "DBRESTORE_CLUSTER"), "tmp-loadtest");
    const sweep = await run("development-teardown", {}, { Teardown: done("aurora-restore") });
    assert.equal(env(sweep.calls[0].request, "DBRESTORE_CLUSTER"), "", "no --cluster: every managed cluster whose expiry passed");
  });

  test("a temporary cluster torn down by name: its one-time schedule is deleted, so it does not fire later", async () => {
    const deleted = async () => ({});
    const one = await run("development-teardown", { cluster: "tmp-loadtest" }, { Teardown: done("aurora-restore"), DeleteTeardownSchedule: deleted });
    assert.equal(one.error, undefined);
    const del = one.calls.find((c) => c.state === "DeleteTeardownSchedule");
    assert.ok(del, "DeleteSchedule called");
    assert.equal(del.request.Name, "teardown-tmp-loadtest");
    assert.equal(del.request.GroupName, "default");

    const gone = await run("development-teardown", { cluster: "tmp-loadtest" }, {
      Teardown: done("aurora-restore"),
      DeleteTeardownSchedule: async () => { throw jobError("Scheduler.ResourceNotFoundException", "Schedule teardown-tmp-loadtest does not exist."); },
    });
    assert.equal(gone.error, undefined, "the schedule that started this execution deleted itself: fine");

    for (const input of [{}, { cluster: "tmp-loadtest", dryRun: true }]) {
      const other = await run("development-teardown", input, { Teardown: done("aurora-restore") });
      assert.equal(other.error, undefined);
      assert.deepEqual(other.calls.map((c) => c.state), ["Teardown"], `${JSON.stringify(input)}: no schedule to delete`);
    }
  });
});

describe("the run input: one schema per workflow, enforced before any task starts", () => {
  const INPUTS = join(dirname(fileURLToPath(import.meta.url)), "..", "modules", "pipeline", "inputs");
  const README = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "README.md"), "utf8");
  const pipelines = {
    "development-develop": ["restore", {}],
    "development-temporary": ["temporary", { name: "tmp-loadtest" }],
    "development-teardown": ["teardown", {}],
    "production-masked-snapshots": ["masked-snapshots", {}],
    "production-drift": ["drift", {}],
  };
  const wrongValue = { boolean: "true", string: 42, integer: "24" };

  for (const [name, [workflow, valid]] of Object.entries(pipelines)) {
    const schema = JSON.parse(readFileSync(join(INPUTS, `${workflow}.schema.json`), "utf8"));

    test(`${name}: a key the schema does not declare is refused, naming the input and what it takes`, async () => {
      // The release restore's typo: auroraSnapshotId for auroraSnapshot restored the newest
      // snapshot instead of the one QA chose, because unknown keys were merged and dropped.
      const input = { ...valid, auroraSnapshotId: "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:qa-pick" };
      const { error, calls } = await run(name, input, {});
      assert.equal(error?.name, "INVALID_INPUT");
      assert.equal(calls.length, 0, "no task started");
      assert.match(error.message, /auroraSnapshotId/, "the input is quoted");
      for (const key of Object.keys(schema.properties)) {
        assert.ok(error.message.includes(`${key} (${schema.properties[key].type})`), `${error.message} names ${key}`);
      }
    });

    for (const [key, property] of Object.entries(schema.properties)) {
      test(`${name}: ${key} of the wrong type is refused before anything runs`, async () => {
        const { error, calls } = await run(name, { ...valid, [key]: wrongValue[property.type] }, {});
        assert.equal(error?.name, "INVALID_INPUT");
        assert.equal(calls.length, 0);
      });
    }

    test(`${name}: the defaults are the schema's`, () => {
      const defaults = definitions[name].States.Defaults.Parameters.defaults;
      assert.deepEqual(Object.keys(defaults).sort(), Object.keys(schema.properties).sort());
      for (const [key, property] of Object.entries(schema.properties)) {
        if ("default" in property && key !== "ttlHours") assert.deepEqual(defaults[key], property.default, key);
      }
    });

    test(`terraform/README.md shows inputs/${workflow}.schema.json as it is`, () => {
      const marker = `<!-- inputs/${workflow}.schema.json -->`;
      const at = README.indexOf(marker);
      assert.ok(at >= 0, `README has ${marker}`);
      const block = README.slice(at).match(/```json\n([\s\S]*?)```/);
      assert.deepEqual(JSON.parse(block[1]), schema);
    });
  }

  test("the README's examples pass the state machines' checks", async () => {
    const examples = [...README.matchAll(/<!-- example: ([a-z-]+) -->\s*```json\n([\s\S]*?)```/g)];
    assert.ok(examples.length >= 3, "examples found");
    for (const [, name, text] of examples) {
      const { error, calls } = await run(name, JSON.parse(text), new Proxy({}, { get: () => done("any") }));
      assert.notEqual(error?.name, "INVALID_INPUT", `${name} ${text}: ${error?.message}`);
      assert.ok(calls.length > 0, `${name}: a task started`);
    }
  });
});

describe("stop-tasks (dbrestore-cleanup): stopping an execution stops its work", () => {
  for (const name of ["development-cleanup", "production-cleanup"]) {
    test(`${name}: lists the execution's tasks by startedBy and stops each`, async () => {
      const event = {
        source: "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        detail: { executionArn: EXECUTION, status: "ABORTED", stateMachineArn: "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-develop" },
      };
      const tasks = ["arn:aws:ecs:eu-west-1:444455556666:task/dbrestore/aaa", "arn:aws:ecs:eu-west-1:444455556666:task/dbrestore/bbb"];
      const { error, calls } = await run(name, event, {
        ListTasks: async () => ({ TaskArns: tasks }),
        StopTask: async (request) => ({ Task: { TaskArn: request.Task, LastStatus: "RUNNING" } }),
      });
      assert.equal(error, undefined, error?.message);
      const list = calls.find((c) => c.state === "ListTasks").request;
      assert.equal(list.StartedBy, STARTED_BY, "the same startedBy the pipelines set");
      // "When you specify startedBy as the filter, it must be the only filter that you use."
      // (ECS ListTasks API reference)
      assert.deepEqual(Object.keys(list).sort(), ["Cluster", "MaxResults", "StartedBy"]);
      const stops = calls.filter((c) => c.state === "StopTask").map((c) => c.request);
      assert.deepEqual(stops.map((s) => s.Task).sort(), tasks);
      assert.match(stops[0].Reason, /ended ABORTED/);
    });
  }

  test("nothing running: nothing stopped", async () => {
    const event = { detail: { executionArn: EXECUTION, status: "TIMED_OUT" } };
    const { error, calls } = await run("development-cleanup", event, { ListTasks: async () => ({ TaskArns: [] }) });
    assert.equal(error, undefined, error?.message);
    assert.equal(calls.filter((c) => c.state === "StopTask").length, 0);
  });
});
