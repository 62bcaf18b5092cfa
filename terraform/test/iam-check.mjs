// Evaluates every AWS call the jobs' tests recorded (target/aws-calls/*.jsonl, one JSON line per
// call: role, action, resources with the tags they carry, tags in the request) against the IAM
// policies Terraform renders for that role (terraform/build/rendered/iam/<role>.json), with
// @cloud-copilot/iam-simulate (AWS's service reference data: actions, resource types, condition
// keys per action). Three expectations:
//
//   allow       every recorded call is allowed, on every resource it is authorized on;
//   untagged    the same write without dbrestore:managed=true (on the resource it changes, or in
//               the request that creates it) is denied;
//   foreign-source  a volume from a snapshot another account owns is denied;
//   escalation  putting dbrestore:managed on a resource that does not carry it is denied (every
//               existing resource the role's calls touched, the tag taken off, and a resource of a
//               name the jobs never create).
//
// Then, from what the examples render (terraform/build/rendered/): the state machines' roles (each
// Task state's calls, iam:PassRole of the jobs' roles), the task roles reading the secrets the
// state machines and the task definitions name, the execution roles (image, logs, container
// secrets) and the recurring schedules' scheduler roles (allow, and deny on what is not theirs).
//
// Usage: node iam-check.mjs <rendered/iam dir> <calls.jsonl>...
// Prints one JSON object: { calls, checks, failures: [ "<expectation> <role> <action> <resource>
// ..." ] }. Exit code 0 whatever the failures (the caller compares them with the known ones);
// 2 when an input is missing or unreadable.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";

const MANAGED = "dbrestore:managed";

// The fakes' accounts, and the accounts the rendered examples use (their tests' mock providers).
const FAKE_SELF = "222222222222";
const FAKE_PRODUCTION = "111111111111";
const FAKE_PRODUCTION_MONGO = "999999999999"; // mongo-restore's tests
const ACCOUNTS = {
  development: { self: "444455556666", [FAKE_SELF]: "444455556666", [FAKE_PRODUCTION]: "111122223333", [FAKE_PRODUCTION_MONGO]: "111122223333" },
  production: { self: "111122223333", [FAKE_SELF]: "111122223333", [FAKE_PRODUCTION]: "111122223333" },
};

const [iamDir, ...callFiles] = process.argv.slice(2);
if (!iamDir || !existsSync(iamDir)) {
  console.error(`iam-check: no rendered policies in ${iamDir} (run terraform/test/run.sh)`);
  process.exit(2);
}
// Key policies: the sharing key's as production renders it; any other key (a source's
// customer-managed key, not ours) with AWS's default key policy (the account's IAM policies decide).
const kmsDir = join(iamDir, "..", "kms");
const KEY_POLICIES = {};
if (existsSync(join(kmsDir, "production-sharing.json"))) {
  KEY_POLICIES["arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"] = JSON.parse(
    readFileSync(join(kmsDir, "production-sharing.json"), "utf8"),
  );
}
const DEVELOPMENT_KEY = "arn:aws:kms:eu-west-1:444455556666:key/11111111-2222-3333-4444-555555555555";
if (existsSync(join(kmsDir, "development-restores.json"))) {
  KEY_POLICIES[DEVELOPMENT_KEY] = JSON.parse(readFileSync(join(kmsDir, "development-restores.json"), "utf8"));
}
function keyPolicy(keyArn) {
  const account = keyArn.split(":")[4];
  return (
    KEY_POLICIES[keyArn] ?? {
      Version: "2012-10-17",
      Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
    }
  );
}

const policies = Object.fromEntries(
  readdirSync(iamDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(iamDir, f), "utf8"))]),
);

/** Volatile parts of names and tag values (time stamps, run hashes) as placeholders. */
function stable(text) {
  return String(text)
    .replace(/vol-[0-9a-f]{17}/g, "vol-<id>")
    .replace(/snap-[0-9a-f]{17}/g, "snap-<id>")
    .replace(/\d{8}-\d{4}-[0-9a-f]{6}/g, "<stamp>")
    .replace(/-[0-9a-f]{6}(?=(-\d+)?$)/g, "-<hash>")
    .replace(/rds:[a-z0-9-]+-\d{4}-\d\d-\d\d-\d\d-\d\d/g, "rds:<automated>");
}

function envOf(role) {
  return role.split("-")[0];
}

// The fakes' KMS keys as the keys the examples name: development restores the shared snapshots
// (encrypted with production's sharing key) re-encrypted with its own key (--kms-key, the
// pipeline's kms_key_arn); production decrypts its sources (a customer-managed key,
// source_kms_key_arns in its test) and encrypts with the sharing key (--kms-key). A key the
// examples never name is not evaluated (counted as skipped).
const SHARING_KEY = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";
const KEYS = {
  development: {
    [`arn:aws:kms:eu-west-1:${FAKE_PRODUCTION}:key/k`]: SHARING_KEY,
    [`arn:aws:kms:eu-west-1:${FAKE_PRODUCTION_MONGO}:key/k`]: SHARING_KEY,
    [`arn:aws:kms:eu-west-1:${FAKE_SELF}:key/dev`]: DEVELOPMENT_KEY,
  },
  production: {
    [`arn:aws:kms:eu-west-1:${FAKE_PRODUCTION}:key/share`]: SHARING_KEY,
    [`arn:aws:kms:eu-west-1:${FAKE_PRODUCTION}:key/masking`]: SHARING_KEY,
    [`arn:aws:kms:eu-west-1:${FAKE_PRODUCTION}:key/source`]: "arn:aws:kms:eu-west-1:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    [`arn:aws:kms:eu-west-1:${FAKE_SELF}:key/k`]: "arn:aws:kms:eu-west-1:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
  },
};

// The fakes' names of what Terraform names (the examples' variables).
const NAMES = {
  development: [],
  production: [
    [/:cluster:app$/, ":cluster:monolith"],
    [/:cluster-snapshot:rds:app-/, ":cluster-snapshot:rds:monolith-"],
    [/:subgrp:masking-subnets$/, ":subgrp:dbrestore-masking"],
    [/:instance\/i-0aaaaaaaaaaaaaaaa$/, ":instance/i-0aaaaaaaaaaaaaaa1"],
  ],
};

function localArn(arn, env) {
  let local = arn.replace(/:(\d{12}):/, (m, account) => `:${ACCOUNTS[env][account] ?? account}:`);
  for (const [from, to] of NAMES[env]) local = local.replace(from, to);
  return local;
}

function shortArn(arn) {
  return stable(arn.split(":").slice(5).join(":"));
}

function keys(tags) {
  return tags ? `[${Object.keys(tags).sort().join(",")}]` : "[]";
}

// --- the recorded calls, distinct -----------------------------------------------------------
const calls = new Map();
for (const file of callFiles) {
  if (!existsSync(file)) {
    console.error(`iam-check: no recorded calls in ${file} (run the job's tests first)`);
    process.exit(2);
  }
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const call = JSON.parse(line);
    const normalized = {
      role: call.role,
      action: call.action,
      resources: call.resources.map((r) => ({
        arn: stable(r.arn),
        context: r.context && Object.fromEntries(Object.entries(r.context).map(([k, v]) => [k, stable(v)])),
        tags: r.tags && Object.fromEntries(Object.entries(r.tags).map(([k, v]) => [k, k === MANAGED ? v : "*"])),
      })),
      requestTags:
        call.requestTags &&
        Object.fromEntries(Object.entries(call.requestTags).map(([k, v]) => [k, k === MANAGED ? v : "*"])),
    };
    const key = JSON.stringify(normalized);
    if (!calls.has(key)) calls.set(key, { ...normalized, raw: call });
  }
}

// --- the simulation ---------------------------------------------------------------------------
async function decide(role, action, arn, resourceTags, requestTags, extra = {}) {
  const env = envOf(role);
  const policy = policies[role];
  if (!policy) return `no rendered policy ${role}`;
  const account = ACCOUNTS[env].self;
  const context = {};
  const kms = action.startsWith("kms:");
  if (kms) {
    context["kms:ViaService"] = "rds.eu-west-1.amazonaws.com";
    context["kms:CallerAccount"] = account;
    if (action === "kms:CreateGrant") context["kms:GrantIsForAWSResource"] = "true";
  }
  for (const [k, v] of Object.entries(resourceTags ?? {})) {
    context[`aws:ResourceTag/${k}`] = v;
    if (action.startsWith("ec2:")) context[`ec2:ResourceTag/${k}`] = v;
  }
  for (const [k, v] of Object.entries(extra ?? {})) {
    // Masked snapshots are shared with development: the fakes' other account is development's.
    if (k === "ec2:Add/userId") context[k] = v.split(",").map((a) => (a === FAKE_SELF ? ACCOUNTS.development.self : a));
    else if (k === "ec2:KmsKeyId") context[k] = KEYS[env][v] ?? v;
    else if (k === "ec2:Owner") context[k] = ACCOUNTS[env][v] ?? v;
    // The snapshots' parent volume in the fakes is the production MongoDB volume the example names.
    else if (k === "ec2:ParentVolume") context[k] = localArn(v, env).replace(/volume\/vol-<id>$/, "volume/vol-0aaaaaaaaaaaaaaa1");
    else if (v.startsWith("arn:")) context[k] = localArn(v, env);
    else context[k] = v;
  }
  if (requestTags && Object.keys(requestTags).length) {
    for (const [k, v] of Object.entries(requestTags)) context[`aws:RequestTag/${k}`] = v;
    context["aws:TagKeys"] = Object.keys(requestTags);
  }
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${account}:role/${role}`,
        action,
        // A snapshot shared from another account is authorized by the caller's policy alone
        // (the share is its resource side): evaluated as in the caller's account.
        // A KMS key is in its own account and its key policy must allow the call too.
        resource: { resource: localArn(arn, env), accountId: kms ? arn.split(":")[4] : account },
        contextVariables: context,
      },
      ...(kms ? { resourcePolicy: keyPolicy(arn) } : {}),
      identityPolicies: [{ name: role, policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.errors) return `error ${JSON.stringify(result.errors)}`;
  return result.result?.analysis?.result ?? result.overallResult ?? JSON.stringify(result).slice(0, 200);
}

const failures = new Set();
let checks = 0;
let skipped = 0;

function withoutManaged(tags) {
  const copy = { ...(tags ?? {}) };
  delete copy[MANAGED];
  return copy;
}

function isWrite(action) {
  return !/^(rds|ec2):(Describe|List)/.test(action);
}

/** Resources the jobs change: their own clusters, instances, snapshots, volumes. */
function owned(arn, role) {
  if (!/:(cluster|db|cluster-snapshot):|:volume\/|:instance\/|:snapshot\//.test(arn)) return false;
  const account = arn.split(":")[4];
  return account === "" || ACCOUNTS[envOf(role)][account] === ACCOUNTS[envOf(role)].self;
}

const touched = new Map(); // role -> Map(arn -> tags)
for (const call of calls.values()) {
  const { role, action, requestTags } = call;
  let resources = call.resources;
  const label = `${role} ${action}`;
  const volumeKey = call.raw.resources[0].context?.["ec2:KmsKeyId"];
  if (volumeKey && !KEYS[envOf(role)][volumeKey]) {
    skipped++; // a test's own key, not one the examples deploy with
    continue;
  }
  if (action.startsWith("kms:")) {
    const key = KEYS[envOf(role)][call.raw.resources[0].arn];
    if (!key) {
      skipped++;
      continue;
    }
    resources = [{ arn: key, tags: null, context: call.resources[0].context }];
  }

  // allow: every resource of the call.
  for (const r of resources) {
    checks++;
    const decision = await decide(role, action, r.arn, r.tags, requestTags, r.context);
    if (decision !== "Allowed") {
      failures.add(`allow ${label} ${shortArn(r.arn)} request${keys(requestTags)}: ${decision}`);
    }
    if (r.tags && owned(r.arn, role) && !/-new$/.test(r.arn)) {
      if (!touched.has(role)) touched.set(role, new Map());
      touched.get(role).set(r.arn, r.tags);
    }
  }
  if (!isWrite(action)) continue;

  // foreign source: the same copy from a snapshot another account owns is denied.
  for (const r of resources) {
    if (!r.context?.["ec2:Owner"]) continue;
    checks++;
    const decision = await decide(role, action, r.arn, r.tags, requestTags, { ...r.context, "ec2:Owner": "123456789012" });
    if (decision === "Allowed") {
      failures.add(`foreign-source ${label} ${shortArn(r.arn)}: Allowed from a snapshot of account 123456789012`);
    }
  }

  // untagged: the resource it changes without the tag, or the create without the tag.
  const first = resources[0];
  if (first.context?.["ec2:CreateAction"]) {
    // the tags of a create: the create itself is what requires the managed tag
  } else if (first.tags && first.tags[MANAGED] === "true") {
    checks++;
    const decision = await decide(role, action, first.arn, withoutManaged(first.tags), requestTags, first.context);
    if (decision === "Allowed") {
      failures.add(`untagged ${label} ${shortArn(first.arn)} request${keys(requestTags)}: Allowed without ${MANAGED}`);
    }
  } else if (!first.tags && requestTags && requestTags[MANAGED] === "true") {
    checks++;
    const decision = await decide(role, action, first.arn, null, withoutManaged(requestTags), first.context);
    if (decision === "Allowed") {
      failures.add(`untagged ${label} ${shortArn(first.arn)} request${keys(withoutManaged(requestTags))}: created without ${MANAGED}`);
    }
  }
}

// escalation: dbrestore:managed=true onto what does not carry it.
const FOREIGN = {
  rds: (env) => [`arn:aws:rds:eu-west-1:${FAKE_SELF}:cluster:app`, `arn:aws:rds:eu-west-1:${FAKE_SELF}:db:app-1`],
  ec2: (env) => [`arn:aws:ec2:eu-west-1:${FAKE_SELF}:volume/vol-0foreign`, `arn:aws:ec2:eu-west-1:${FAKE_SELF}:instance/i-0foreign`],
};
for (const [role, resources] of touched) {
  const service = [...resources.keys()][0].split(":")[2];
  const action = service === "rds" ? "rds:AddTagsToResource" : "ec2:CreateTags";
  const targets = new Map([...resources].map(([arn, tags]) => [arn, withoutManaged(tags)]));
  for (const arn of FOREIGN[service](envOf(role))) targets.set(arn, {});
  for (const [arn, tags] of targets) {
    checks++;
    const decision = await decide(role, action, arn, tags, { [MANAGED]: "true" });
    if (decision === "Allowed") {
      failures.add(`escalation ${role} ${action} ${shortArn(arn)} request[${MANAGED}]: Allowed on a resource without ${MANAGED}`);
    }
  }
}

// development copies never encrypt with production's sharing key: neither KMS encryption with it
// nor a volume created under it (restores re-encrypt with the development key, --kms-key).
for (const role of Object.keys(policies).filter((r) => /^development-(aurora|mongo)-restore-task$/.test(r))) {
  const via = role.includes("mongo") ? "ec2.eu-west-1.amazonaws.com" : "rds.eu-west-1.amazonaws.com";
  for (const action of ["kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKey", "kms:ReEncryptTo"]) {
    checks++;
    if ((await decide(role, action, SHARING_KEY, null, null, { "kms:ViaService": via })) === "Allowed") {
      failures.add(`sharing-key ${role} ${action}: Allowed to encrypt with production's sharing key`);
    }
  }
  if (role.includes("mongo")) {
    checks++;
    const volume = `arn:aws:ec2:eu-west-1:${FAKE_SELF}:volume/vol-0new`;
    if ((await decide(role, "ec2:CreateVolume", volume, null, { [MANAGED]: "true" }, { "ec2:KmsKeyId": SHARING_KEY })) === "Allowed") {
      failures.add(`sharing-key ${role} ec2:CreateVolume: Allowed to create a volume encrypted with production's sharing key`);
    }
  }
}

// --- the state machines' roles: what each rendered definition's Task states call ----------------
// Step Functions makes these calls with the state machine's role: ecs:RunTask (and the launch
// tags) for ecs:runTask, sns:Publish, and each aws-sdk integration's API action. Every call must be
// allowed; a task definition or a cluster the machine does not name must be denied.
const renderedDir = join(iamDir, "..");
let machines = 0;
const secrets = []; // { role, arn, allow }: secretsmanager:GetSecretValue by a task role
function readRendered(file) {
  return existsSync(join(renderedDir, file)) ? JSON.parse(readFileSync(join(renderedDir, file), "utf8")) : null;
}
const JOB_ROLES = { development: readRendered("simulation/roles-development.json"), production: readRendered("simulation/roles-production.json") };
const CONTAINERS = { development: readRendered("containers-development.json"), production: readRendered("containers-production.json") };

/** A Secrets Manager reference without its :json-key:version-stage:version-id suffix. */
function secretArn(ref) {
  return ref.split(":").slice(0, 7).join(":");
}

/** The secret ARNs a container override passes after a --*-secret option (literals only). */
function passedSecrets(override) {
  const found = [];
  if (Array.isArray(override.Command)) {
    override.Command.forEach((arg, i) => {
      if (/^--[a-z0-9-]*-secret$/.test(arg) && typeof override.Command[i + 1] === "string") found.push(override.Command[i + 1]);
    });
  } else if (typeof override["Command.$"] === "string") {
    for (const m of override["Command.$"].matchAll(/'(--[a-z0-9-]*-secret)',\s*'(arn:[^']+)'/g)) found.push(m[2]);
  }
  return found;
}

async function check(role, e) {
  checks++;
  const decision = await decide(role, e.action, e.arn, null, e.requestTags ?? null, e.context ?? {});
  const where = `${role} ${e.action} ${shortArn(e.arn) || e.arn} ${JSON.stringify(e.context ?? {})}`;
  if (e.allow && decision !== "Allowed") failures.add(`allow ${where}: ${decision}`);
  else if (!e.allow && decision === "Allowed") failures.add(`deny ${where}: Allowed`);
}
function tasks(states, out = []) {
  for (const state of Object.values(states ?? {})) {
    if (state.Type === "Task") out.push(state);
    for (const branch of state.Branches ?? []) tasks(branch.States, out);
    tasks(state.ItemProcessor?.States, out);
    tasks(state.Iterator?.States, out);
  }
  return out;
}
for (const file of readdirSync(renderedDir).filter((f) => /^(development|production)-.*\.json$/.test(f))) {
  const name = file.slice(0, -5);
  const role = `${name}-sfn`;
  if (!policies[role]) {
    failures.add(`allow ${role}: no rendered policy for the state machine ${name}`);
    continue;
  }
  machines++;
  const env = envOf(role);
  const account = ACCOUNTS[env].self;
  const ecsCluster = `arn:aws:ecs:eu-west-1:${account}:cluster/dbrestore`;
  const definition = JSON.parse(readFileSync(join(renderedDir, file), "utf8"));
  const expected = [];
  const jobs = new Set();
  for (const state of tasks(definition.States)) {
    const args = state.Arguments ?? state.Parameters ?? {};
    const literal = (key) => (typeof args[key] === "string" && !args[key].startsWith("{%") ? args[key] : undefined);
    const resource = state.Resource;
    if (resource.startsWith("arn:aws:states:::ecs:runTask")) {
      const cluster = literal("Cluster") ?? ecsCluster;
      const taskDefinition = literal("TaskDefinition");
      // The job: the task definition family dbrestore-<job>. Its task role reads every secret the
      // command line names (--*-secret); another secret is denied.
      const job = taskDefinition.match(/task-definition\/dbrestore-([^:]+)/)?.[1];
      jobs.add(job);
      for (const override of args.Overrides?.ContainerOverrides ?? []) {
        for (const secret of passedSecrets(override)) {
          secrets.push({ role: `${env}-${job}-task`, arn: secretArn(secret), allow: true });
        }
      }
      expected.push({ action: "ecs:RunTask", arn: taskDefinition, context: { "ecs:cluster": cluster }, allow: true });
      expected.push({ action: "ecs:RunTask", arn: taskDefinition.replace(/task-definition\/[^:]+/, "task-definition/someone-else"), context: { "ecs:cluster": cluster }, allow: false });
      expected.push({ action: "ecs:RunTask", arn: taskDefinition, context: { "ecs:cluster": cluster.replace(/cluster\/.*/, "cluster/other") }, allow: false });
      if (args.Tags) {
        const tags = Object.fromEntries(args.Tags.map((t) => [t.Key, "x"]));
        expected.push({ action: "ecs:TagResource", arn: `${cluster.replace(":cluster/", ":task/")}/0123456789abcdef`, context: { "ecs:CreateAction": "RunTask" }, requestTags: tags, allow: true });
      }
      if (resource.endsWith(".sync")) {
        for (const action of ["ecs:StopTask", "ecs:DescribeTasks"]) {
          expected.push({ action, arn: `${cluster.replace(":cluster/", ":task/")}/0123456789abcdef`, context: { "ecs:cluster": cluster }, allow: true });
        }
      }
    } else if (resource === "arn:aws:states:::sns:publish") {
      expected.push({ action: "sns:Publish", arn: literal("TopicArn"), allow: true });
    } else if (resource.startsWith("arn:aws:states:::aws-sdk:")) {
      const [service, api] = resource.split(":").slice(-2);
      const action = `${service}:${api[0].toUpperCase()}${api.slice(1)}`;
      if (service === "scheduler") {
        // The temporary targets are named tmp-<name>; the schedule teardown-<target>.
        const group = literal("GroupName") ?? "default";
        expected.push({ action, arn: `arn:aws:scheduler:eu-west-1:${account}:schedule/${group}/teardown-tmp-x`, allow: true });
        expected.push({ action, arn: `arn:aws:scheduler:eu-west-1:${account}:schedule/${group}/nightly-develop`, allow: false });
        if (args.Target?.RoleArn) {
          expected.push({ action: "iam:PassRole", arn: args.Target.RoleArn, context: { "iam:PassedToService": "scheduler.amazonaws.com" }, allow: true });
          expected.push({ action: "iam:PassRole", arn: args.Target.RoleArn, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, allow: false });
        }
      } else if (action === "ecs:ListTasks") {
        expected.push({ action, arn: `arn:aws:ecs:eu-west-1:${account}:container-instance/dbrestore/0123456789abcdef`, context: { "ecs:cluster": ecsCluster }, allow: true });
      } else if (action === "ecs:StopTask") {
        expected.push({ action, arn: `arn:aws:ecs:eu-west-1:${account}:task/dbrestore/0123456789abcdef`, context: { "ecs:cluster": ecsCluster }, allow: true });
      } else {
        failures.add(`allow ${role} ${action}: an aws-sdk integration this check does not know`);
      }
    }
  }
  // iam:PassRole: the task and execution roles of the jobs it runs, only to ECS tasks; another
  // job's roles and another role denied.
  if (jobs.size) {
    if (!JOB_ROLES[env]) failures.add(`allow ${role} iam:PassRole: no rendered job roles (simulation/roles-${env}.json)`);
    for (const [job, roles] of Object.entries(JOB_ROLES[env] ?? {})) {
      for (const arn of [roles.task_role_arn, roles.execution_role_arn]) {
        expected.push({ action: "iam:PassRole", arn, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, allow: jobs.has(job) });
        if (jobs.has(job)) expected.push({ action: "iam:PassRole", arn, context: { "iam:PassedToService": "ec2.amazonaws.com" }, allow: false });
      }
    }
    expected.push({ action: "iam:PassRole", arn: `arn:aws:iam::${account}:role/someone-else`, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, allow: false });
  }
  const seen = new Set();
  for (const e of expected) {
    const key = JSON.stringify(e);
    if (seen.has(key)) continue;
    seen.add(key);
    await check(role, e);
  }
}

// --- the task roles: the secrets the state machines pass (--*-secret) and the task definitions
// name (environment variables *_SECRET), each read with the job's task role; another denied ------
for (const env of ["development", "production"]) {
  for (const [job, container] of Object.entries(CONTAINERS[env] ?? {})) {
    for (const v of container.environment ?? []) {
      if (/_SECRET$/.test(v.name) && v.value.startsWith("arn:")) secrets.push({ role: `${env}-${job}-task`, arn: secretArn(v.value), allow: true });
    }
  }
}
for (const role of new Set(secrets.map((s) => s.role))) {
  const account = ACCOUNTS[envOf(role)].self;
  secrets.push({ role, arn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:dbrestore/someone-else-AbCdEf`, allow: false });
}
const seenSecrets = new Set();
for (const e of secrets) {
  const key = JSON.stringify(e);
  if (seenSecrets.has(key)) continue;
  seenSecrets.add(key);
  await check(e.role, { action: "secretsmanager:GetSecretValue", arn: e.arn, allow: e.allow });
}

// --- the execution roles: ECS pulls the image, writes the job's log group, injects its secrets
// (the container definitions as deployed); another repository, log group or secret denied --------
for (const env of ["development", "production"]) {
  const account = ACCOUNTS[env].self;
  const containers = CONTAINERS[env] ?? {};
  const logGroups = Object.values(containers).map((c) => c.logConfiguration.options["awslogs-group"]);
  const stream = (group) => `arn:aws:logs:eu-west-1:${account}:log-group:${group}:log-stream:x`;
  for (const [job, container] of Object.entries(containers)) {
    const role = `${env}-${job}-execution`;
    const expected = [{ action: "ecr:GetAuthorizationToken", arn: "*", allow: true }];
    // A private ECR image <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest].
    const image = container.image.match(/^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/);
    if (image) {
      const repository = `arn:aws:ecr:${image[2]}:${image[1]}:repository/${image[3]}`;
      for (const action of ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]) {
        expected.push({ action, arn: repository, allow: true });
        expected.push({ action, arn: repository.replace(/repository\/.*/, "repository/someone-else"), allow: false });
      }
    }
    const group = container.logConfiguration.options["awslogs-group"];
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
      expected.push({ action, arn: stream(group), allow: true });
      for (const other of [...logGroups.filter((g) => g !== group), "/dbrestore/jobs/someone-else"]) {
        expected.push({ action, arn: stream(other), allow: false });
      }
    }
    for (const secret of container.secrets ?? []) {
      if (secret.valueFrom.split(":")[2] === "ssm") expected.push({ action: "ssm:GetParameters", arn: secret.valueFrom, allow: true });
      else expected.push({ action: "secretsmanager:GetSecretValue", arn: secretArn(secret.valueFrom), allow: true });
    }
    expected.push({ action: "secretsmanager:GetSecretValue", arn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:dbrestore/someone-else-AbCdEf`, allow: false });
    for (const e of expected) await check(role, e);
  }
}

// --- the scheduler roles: each recurring schedule starts its own state machine (another denied)
// and sends what it cannot deliver to its dead-letter queue --------------------------------------
const schedules = readRendered("simulation/schedules.json") ?? {};
if (!Object.keys(schedules).length) failures.add("allow scheduler: no rendered schedule targets (simulation/schedules.json)");
for (const [name, schedule] of Object.entries(schedules)) {
  const { role, state_machine_arn: target, dead_letter_queue_arn: queue } = schedule;
  const account = ACCOUNTS[envOf(role)].self;
  const others = Object.values(schedules)
    .filter((o) => envOf(o.role) === envOf(role) && o.state_machine_arn !== target)
    .map((o) => o.state_machine_arn);
  const expected = [
    { action: "states:StartExecution", arn: target, allow: true },
    ...[...new Set(others), `arn:aws:states:eu-west-1:${account}:stateMachine:someone-else`].map((arn) => ({ action: "states:StartExecution", arn, allow: false })),
    { action: "sqs:SendMessage", arn: queue, allow: true },
    { action: "sqs:SendMessage", arn: `arn:aws:sqs:eu-west-1:${account}:someone-else`, allow: false },
  ];
  if (!target || !queue) failures.add(`allow ${role}: the schedule ${name} has no target or no dead-letter queue`);
  for (const e of expected) await check(role, e);
}

console.log(JSON.stringify({ calls: calls.size, machines, schedules: Object.keys(schedules).length, checks, skipped, failures: [...failures].sort() }, null, 2));
