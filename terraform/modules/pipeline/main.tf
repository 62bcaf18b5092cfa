data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  name       = "${var.name_prefix}-${var.name}"
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  # The names of the jobs: the first column of jobs.txt, the one list of jobs (the launcher and
  # docker/build-all.sh read it too; a module reads only its own files, so it lives here).
  job_names = [for line in split("\n", file("${path.module}/jobs.txt")) : regex("^\\S+", trimspace(line)) if trimspace(line) != "" && !startswith(trimspace(line), "#")]

  # Which jobs each workflow runs; the role may run exactly these task definitions.
  workflow_jobs = {
    "masked-snapshots" = compact([
      try(var.masked_snapshots.mongo, null) == null ? "" : "mongo-mask-snapshot",
      try(length(var.masked_snapshots.aurora.clusters), 0) == 0 ? "" : "aurora-restore",
    ])
    "restore" = compact([
      try(var.restore.aurora, null) == null && length(try(var.restore.microservices, [])) == 0 ? "" : "aurora-restore",
      try(var.restore.mongo, null) == null ? "" : "mongo-restore",
      try(var.restore.atlas, null) == null ? "" : "atlas-restore",
    ])
    "drift" = compact([
      try(var.drift.mongo, null) == null ? "" : "mongo-mask-snapshot",
      length(try(var.drift.aurora, [])) == 0 ? "" : "aurora-restore",
    ])
    "temporary" = ["aurora-restore"]
    "teardown"  = ["aurora-restore"]
  }
  jobs_used = local.workflow_jobs[var.workflow]
  jobs      = { for k in local.jobs_used : k => var.jobs[k] if contains(keys(var.jobs), k) }

  # Yesterday's masked snapshot is about 24h old when a nightly restore runs: refused below 24h.
  max_age = coalesce(var.max_age, var.workflow == "temporary" ? "36h" : "20h")
  wait    = "${var.wait_for_snapshot_minutes}m"

  # A job stops itself 10 minutes before Step Functions would give up on it.
  job_timeouts = { for k, v in var.timeouts : k => "${floor((v - 600) / 60)}m" }

  network = {
    AwsvpcConfiguration = {
      Subnets        = var.ecs.subnet_ids
      SecurityGroups = var.ecs.security_group_ids
      AssignPublicIp = var.ecs.assign_public_ip ? "ENABLED" : "DISABLED"
    }
  }

  # Errors a job reports are its exit-code names (JobMain sends SendTaskFailure with error =
  # DONE/FAULT/INVALID_INPUT/REFUSED/TIMED_OUT/VERIFICATION_FAILED/CANCELLED). Only
  # infrastructure is retried, plus an unexpected FAULT: every job converges when run again. A
  # retrier set to 0 attempts is left out.
  retry = [for retrier in [
    {
      ErrorEquals     = ["ECS.AmazonECSException", "ECS.ServerException", "ECS.ThrottlingException"]
      IntervalSeconds = 30
      MaxAttempts     = var.retry.infrastructure_max_attempts
      BackoffRate     = 2
      MaxDelaySeconds = 600
      JitterStrategy  = "FULL"
    },
    {
      ErrorEquals     = ["States.HeartbeatTimeout"]
      IntervalSeconds = 60
      MaxAttempts     = var.retry.lost_task_max_attempts
      BackoffRate     = 2
    },
    {
      ErrorEquals     = ["FAULT"]
      IntervalSeconds = 120
      MaxAttempts     = var.retry.fault_max_attempts
      BackoffRate     = 2
    },
  ] : retrier if retrier.MaxAttempts != 0]
  notify_retry = [{
    ErrorEquals     = ["States.ALL"]
    IntervalSeconds = 5
    MaxAttempts     = 3
    BackoffRate     = 2
    JitterStrategy  = "FULL"
  }]

  restore_branches = var.restore == null ? 0 : length(compact([
    try(var.restore.aurora, null) == null ? "" : "a",
    try(var.restore.mongo, null) == null ? "" : "m",
    try(var.restore.atlas, null) == null ? "" : "t",
    length(var.restore.microservices) == 0 ? "" : "s",
  ]))
  drift_branches = var.drift == null ? 0 : length(compact([
    try(var.drift.mongo, null) == null ? "" : "m",
    length(try(var.drift.aurora, [])) == 0 ? "" : "a",
  ]))
  snapshot_branches = var.masked_snapshots == null ? 0 : length(compact([
    try(var.masked_snapshots.mongo, null) == null ? "" : "m",
    try(length(var.masked_snapshots.aurora.clusters), 0) == 0 ? "" : "a",
  ]))

  # The run input: one JSON Schema per workflow (inputs/<workflow>.schema.json) is the one source
  # for the defaults, the first states' checks (unknown keys, types) and the operator CLI's
  # validation. The temporary pipeline's TTL bounds come from var.temporary.
  schema_file = jsondecode(file("${path.module}/inputs/${var.workflow}.schema.json"))
  input_schema = merge(local.schema_file, {
    properties = merge(local.schema_file.properties, var.workflow != "temporary" ? {} : {
      ttlHours = merge(local.schema_file.properties.ttlHours, {
        default = try(var.temporary.default_ttl_hours, 24)
        maximum = try(var.temporary.max_ttl_hours, 720)
      })
    })
  })
  input_keys     = sort(keys(local.input_schema.properties))
  input_defaults = { for k, p in local.input_schema.properties : k => try(p.default, "") }
  # Step Functions' JSONPath cannot list an object's keys, but `$.config.*` lists its values: the
  # input merged over the defaults has exactly as many as the schema has keys unless it carries
  # one the pipeline does not take.
  input_type_checks = [for k in local.input_keys : merge(
    { Variable = "$.config.${k}" },
    { string = { IsString = true }, boolean = { IsBoolean = true }, integer = { IsNumeric = true }, number = { IsNumeric = true } }[local.input_schema.properties[k].type],
  )]
  input_takes = join(", ", [for k in local.input_keys : "${k} (${local.input_schema.properties[k].type})"])
  input_states = {
    ListInputValues = {
      Type       = "Pass"
      Comment    = "The run input is checked against inputs/${var.workflow}.schema.json before anything runs: no key it does not declare, every value of its type."
      Parameters = { "values.$" = "$.config.*" }
      ResultPath = "$.inputCheck"
      Next       = "CountInputKeys"
    }
    CountInputKeys = {
      Type       = "Pass"
      Parameters = { "keys.$" = "States.ArrayLength($.inputCheck.values)" }
      ResultPath = "$.inputCheck"
      Next       = "CheckInputKeys"
    }
    CheckInputKeys = {
      Type = "Choice"
      Choices = [{
        And  = concat([{ Variable = "$.inputCheck.keys", NumericEquals = length(local.input_keys) }], local.input_type_checks)
        Next = local.input_next
      }]
      Default = "DescribeInvalidInput"
    }
    DescribeInvalidInput = {
      Type       = "Pass"
      Parameters = { "cause.$" = "States.Format('INVALID_INPUT: the input {} has a key this pipeline does not take or a value of the wrong type; it takes: ${local.input_takes}. See terraform/README.md (run input) or use dbrestore run', States.JsonToString($$.Execution.Input))" }
      Next       = "InvalidInputKeys"
    }
    InvalidInputKeys = {
      Type      = "Fail"
      Error     = "INVALID_INPUT"
      CausePath = "$.cause"
    }
  }
  input_next = {
    "restore"          = "Restore"
    "temporary"        = "Measure"
    "teardown"         = "Teardown"
    "masked-snapshots" = "Snapshots"
    "drift"            = "Drift"
  }[var.workflow]

  template_vars = {
    target                     = local.target
    execution_timeout_seconds  = var.execution_timeout_seconds
    job_steps                  = local.job_steps
    aurora                     = local.restore_aurora
    mongo                      = local.snapshot_mongo
    restore_mongo              = local.restore_mongo
    atlas                      = local.restore_atlas
    microservices              = [for m in try(var.restore.microservices, []) : { cluster = m.cluster, source = m.source_cluster_name, strategy = m.strategy }]
    microservice_concurrency   = try(var.restore.microservice_concurrency, 4)
    branch_count               = lookup({ "masked-snapshots" = local.snapshot_branches, "drift" = local.drift_branches }, var.workflow, local.restore_branches)
    drift_mongo                = var.workflow == "drift" ? try(var.drift.mongo, null) : null
    drift_clusters             = [for c in try(var.drift.aurora, []) : { cluster = c.cluster, rules = c.rules, jdbcUrl = c.jdbc_url, credentialsSecret = c.credentials_secret_arn }]
    drift_concurrency          = try(var.drift.concurrency, 2)
    notification_topic_arn     = var.notification_topic_arn
    notify_retry               = local.notify_retry
    aurora_clusters            = [for c in try(var.masked_snapshots.aurora.clusters, []) : { cluster = c.cluster, rules = c.rules, instanceClass = c.instance_class }]
    aurora_concurrency         = try(var.masked_snapshots.aurora.concurrency, 4)
    teardown_state_machine_arn = try(var.temporary.teardown_state_machine_arn, "")
    scheduler_role_arn         = try(var.temporary.teardown_scheduler_role_arn, "")
    dead_letter_queue_arn      = var.schedule_dead_letter_queue_arn
    schedule_group             = try(var.temporary.schedule_group, "default")
    default_ttl_hours          = try(var.temporary.default_ttl_hours, 24)
    max_ttl_hours              = try(var.temporary.max_ttl_hours, 720)
    one_time_schedule_group    = var.one_time_schedule_group
    input_defaults             = local.input_defaults
    input_states               = local.input_states
  }

  # Values the templates put inside intrinsic-function string literals ('...'): they must not
  # contain quotes, braces, backslashes or blanks.
  literal_values = flatten([
    try(var.masked_snapshots.aurora.db_subnet_group, []),
    try(var.masked_snapshots.aurora.security_group_ids, []),
    try(var.masked_snapshots.aurora.kms_key_arn, []),
    try(var.masked_snapshots.share_with, []),
    try(var.temporary.source_cluster_name, []),
    try(var.drift.mongo.rules, []),
    [for c in try(var.drift.aurora, []) : [c.cluster, c.rules, c.credentials_secret_arn]],
    try(var.temporary.extra_args, []),
    var.source_account == null ? [] : [var.source_account],
    local.max_age,
  ])

  # The YAML template, rendered, then normalised to JSON (the form Step Functions stores).
  definition = jsonencode(yamldecode(templatefile("${path.module}/templates/${var.workflow}.asl.yaml", local.template_vars)))
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${local.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_sfn_state_machine" "this" {
  name       = local.name
  type       = "STANDARD"
  role_arn   = aws_iam_role.state_machine.arn
  definition = local.definition

  logging_configuration {
    level                  = var.log_level
    include_execution_data = false
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(setsubtract(local.jobs_used, keys(var.jobs))) == 0
      error_message = "The ${var.workflow} workflow runs ${join(", ", local.jobs_used)}: pass each in var.jobs."
    }
    precondition {
      condition = (
        (var.workflow != "restore" || (var.restore != null && local.restore_branches > 0 && var.source_account != null)) &&
        (var.workflow != "masked-snapshots" || (var.masked_snapshots != null && local.snapshot_branches > 0)) &&
        (var.workflow != "drift" || (var.drift != null && local.drift_branches > 0)) &&
        (var.workflow != "temporary" || (var.temporary != null && var.source_account != null))
      )
      error_message = "workflow ${var.workflow} needs its configuration: restore needs var.restore with at least one branch and var.source_account; masked-snapshots needs var.masked_snapshots with mongo or aurora clusters; drift needs var.drift with mongo or aurora; temporary needs var.temporary and var.source_account."
    }
    precondition {
      condition     = alltrue([for v in local.literal_values : can(regex("^[^'{}\\\\\\s]+$", v))])
      error_message = "Identifiers passed to the jobs must not contain quotes, braces, backslashes or blanks."
    }
    precondition {
      condition     = var.heartbeat_seconds >= 3 * var.job_heartbeat_seconds
      error_message = "heartbeat_seconds must be at least 3x job_heartbeat_seconds, or a single late heartbeat fails the step."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# The state machine's role: run exactly these task definitions in this cluster, pass exactly
# their roles to ECS tasks, tag the tasks it starts, publish failures.
# ---------------------------------------------------------------------------------------------

locals {
  cluster_name     = element(split("/", var.ecs.cluster_arn), 1)
  task_arn_pattern = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${local.cluster_name}/*"
  passed_roles     = distinct(flatten([for j in values(local.jobs) : [j.task_role_arn, j.execution_role_arn]]))

  state_machine_statements = concat(
    [
      {
        Sid       = "RunJobTasks"
        Effect    = "Allow"
        Action    = ["ecs:RunTask"]
        Resource  = [for j in values(local.jobs) : j.task_definition_arn]
        Condition = { ArnEquals = { "ecs:cluster" = var.ecs.cluster_arn } }
      },
      {
        Sid       = "TagJobTasksAtLaunch"
        Effect    = "Allow"
        Action    = ["ecs:TagResource"]
        Resource  = [local.task_arn_pattern]
        Condition = { StringEquals = { "ecs:CreateAction" = "RunTask" } }
      },
      {
        Sid       = "PassJobRolesToEcsTasks"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = local.passed_roles
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
      {
        Sid      = "NotifyFailures"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = [var.notification_topic_arn]
      },
      {
        # Vended-logs delivery: these actions take no resource ARN.
        Sid      = "ExecutionLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]
        Resource = ["*"]
      },
    ],
    [for s in [{
      Sid      = "EncryptNotifications"
      Effect   = "Allow"
      Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource = [var.notification_kms_key_arn]
    }] : s if !(var.notification_kms_key_arn == null)],
    [for s in [
      {
        Sid      = "ScheduleTeardown"
        Effect   = "Allow"
        Action   = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule"]
        Resource = ["arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${try(var.temporary.schedule_group, "default")}/teardown-tmp-*"]
      },
      {
        Sid       = "PassTeardownRoleToScheduler"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = [try(var.temporary.teardown_scheduler_role_arn, "")]
        Condition = { StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } }
      },
    ] : s if !(var.workflow != "temporary")],
    [for s in [{
      # A temporary cluster torn down by name: its one-time schedule is deleted too.
      Sid      = "DeleteTeardownSchedule"
      Effect   = "Allow"
      Action   = ["scheduler:DeleteSchedule"]
      Resource = ["arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${var.one_time_schedule_group}/teardown-tmp-*"]
    }] : s if var.workflow == "teardown"],
  )
}

resource "aws_iam_role" "state_machine" {
  name        = "${local.name}-sfn"
  description = "Step Functions state machine ${local.name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.name}" }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "pipeline"
  role   = aws_iam_role.state_machine.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.state_machine_statements })
}

# ---------------------------------------------------------------------------------------------
# Schedule: EventBridge Scheduler starts executions with this role. The role also serves
# one-time schedules other pipelines create (the temporary pipeline's teardown).
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "scheduler" {
  name        = "${local.name}-scheduler"
  description = "EventBridge Scheduler starts ${local.name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  name = "start-execution"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "StartPipeline"
        Effect   = "Allow"
        Action   = ["states:StartExecution"]
        Resource = [aws_sfn_state_machine.this.arn]
      },
      {
        # What it cannot deliver goes to the dead-letter queue (the scheduler sends it with this
        # role).
        Sid      = "DeadLetters"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [var.schedule_dead_letter_queue_arn]
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  count = var.schedule == null ? 0 : 1

  name                         = local.name
  description                  = coalesce(var.schedule.description, "Starts ${local.name}.")
  schedule_expression          = var.schedule.expression
  schedule_expression_timezone = var.schedule.timezone
  state                        = var.schedule.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.this.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = var.schedule.input

    retry_policy {
      maximum_retry_attempts       = 10
      maximum_event_age_in_seconds = 3600
    }

    dead_letter_config {
      arn = var.schedule_dead_letter_queue_arn
    }
  }
}
