data "aws_caller_identity" "current" {}

# Sentry hears about failures that happen outside the jobs' Java process, with the tags and the
# fingerprint scheme of the jobs' own events (job-runtime SentryReporter: tags job, target, step,
# exit_code, error_kind, execution_arn, ecs_task_arn; fingerprint [job, step, error_kind]).
#
# How: EventBridge rules on the events AWS emits anyway, each with an input transformer that turns
# the event into a Sentry event, sent by an API destination to Sentry's store endpoint. No Lambda,
# no change to the state machines, and it works when the task never ran a line of Java:
#   ecs-failed-to-start  ECS Task State Change, STOPPED with stopCode TaskFailedToStart (image not
#                        pulled, secret not injected, no ENI): the job never started.
#   ecs-out-of-memory    STOPPED with a container reason OutOfMemoryError...: killed for memory.
#   ecs-unexpected-exit  STOPPED with an exit code that is none of the job's (0-6) nor 137: a signal
#                        (SIGABRT 134, SIGSEGV 139, an unhandled SIGTERM 143) or a crash of the JVM.
#   execution-<pipeline> Step Functions Execution Status Change FAILED or TIMED_OUT of a pipeline:
#                        the execution's timeout, and every failure the execution ends with
#                        (dbrestore.BranchesFailed after a heartbeat or state timeout of a branch).
# The ECS rules listen only to tasks of the pipelines' cluster, of a task definition family
# "<name_prefix>-*", started with DBRESTORE_EXECUTION_ARN (by a state machine). The state machines
# pass the container's name (= the job) and their DBRESTORE_* variables as container overrides,
# which the task state change event repeats: DBRESTORE_EXECUTION_ARN second, DBRESTORE_TARGET third
# (job-steps.tf; terraform/test/sentry-events.test.mjs checks that order in the rendered
# definitions). The task token (first) and the command line are never forwarded.
#
# Every value taken from the event is placed where EventBridge inserts it as a JSON value (quoted
# and escaped), never inside a JSON string of the template: EventBridge does not escape values it
# puts into a string, so a stopped reason with a quote in it would break the event. Only numbers go
# inside strings (the exit code). Every path the transformer reads is required by the rule's pattern
# or present in every event of that type, so AWS's handling of a missing path never matters.

locals {
  sentry_enabled     = var.sentry != null
  sentry_environment = try(coalesce(var.sentry.environment, var.environment), var.environment)

  # The DSN secret as the jobs' container definitions name it: the secret's ARN, optionally with
  # ECS's :<json key>:<version stage>:<version id> suffix.
  sentry_reference = split(":", try(var.sentry.dsn_secret_arn, ""))
  sentry_secret = local.sentry_enabled ? {
    id            = join(":", slice(local.sentry_reference, 0, 7))
    json_key      = try(local.sentry_reference[7], "")
    version_stage = try(local.sentry_reference[8], "") == "" ? null : local.sentry_reference[8]
    version_id    = try(local.sentry_reference[9], "") == "" ? null : local.sentry_reference[9]
  } : null
  sentry_secret_string = local.sentry_enabled ? data.aws_secretsmanager_secret_version.sentry_dsn[0].secret_string : null
  # https://<public key>[:<secret key>]@<host>[/<path>]/<project id>; with a JSON key, that key of
  # the secret's JSON object (a secret that is no JSON object is taken as the DSN itself).
  sentry_dsn   = local.sentry_enabled ? trimspace(local.sentry_secret.json_key == "" ? local.sentry_secret_string : try(tostring(jsondecode(local.sentry_secret_string)[local.sentry_secret.json_key]), local.sentry_secret_string)) : null
  sentry_parts = local.sentry_enabled ? try(regex("^(https?)://([0-9A-Za-z]+)(?::[0-9A-Za-z]+)?@([A-Za-z0-9.-]+(?::[0-9]+)?)((?:/[A-Za-z0-9._~-]+)*)/([0-9]+)/?$", local.sentry_dsn), null) : null
  # The store endpoint takes one event as JSON (the envelope endpoint would need newline-separated
  # headers, which an input transformer cannot produce reliably).
  sentry_endpoint = local.sentry_parts == null ? null : "${local.sentry_parts[0]}://${local.sentry_parts[2]}${local.sentry_parts[3]}/api/${local.sentry_parts[4]}/store/"
  sentry_auth     = local.sentry_parts == null ? null : "Sentry sentry_version=7, sentry_client=dbrestore-eventbridge/1.0, sentry_key=${local.sentry_parts[1]}"

  ecs_stopped = {
    clusterArn = [var.ecs_cluster_arn]
    lastStatus = ["STOPPED"]
    group      = [{ prefix = "family:${var.name_prefix}-" }]
    overrides  = { containerOverrides = { environment = { name = ["DBRESTORE_EXECUTION_ARN"] } } }
  }
  ecs_paths = {
    id             = "$.id"
    time           = "$.time"
    job            = "$.detail.overrides.containerOverrides[0].name"
    execution      = "$.detail.overrides.containerOverrides[0].environment[1].value"
    target         = "$.detail.overrides.containerOverrides[0].environment[2].value"
    task           = "$.detail.taskArn"
    taskDefinition = "$.detail.taskDefinitionArn"
    stoppedReason  = "$.detail.stoppedReason"
    containers     = "$.detail.containers"
  }

  # What differs between the ECS rules. A template value "@<x>@" becomes the JSON value of <x>.
  ecs_rules = {
    "ecs-failed-to-start" = {
      description = "a dbrestore job task that failed to start"
      detail      = { stopCode = ["TaskFailedToStart"] }
      paths       = {}
      step        = "start"
      exit_code   = "TaskFailedToStart"
      error_kind  = "task-failed-to-start"
      reason      = "@<stoppedReason>@"
    }
    "ecs-out-of-memory" = {
      description = "a dbrestore job container killed for memory"
      detail      = { containers = { reason = [{ prefix = "OutOfMemoryError" }] } }
      paths       = { containerReason = "$.detail.containers[0].reason" }
      step        = "task"
      exit_code   = "OutOfMemoryError"
      error_kind  = "out-of-memory"
      reason      = "@<containerReason>@"
    }
    "ecs-unexpected-exit" = {
      description = "a dbrestore job container that ended with an exit code none of the job's"
      detail      = { containers = { exitCode = [{ "anything-but" = [0, 1, 2, 3, 4, 5, 6, 137] }] } }
      paths       = { exitCode = "$.detail.containers[0].exitCode" }
      step        = "task"
      exit_code   = "<exitCode>"
      error_kind  = "unexpected-exit"
      reason      = "@<stoppedReason>@"
    }
  }

  sentry_rule_specs = merge(
    { for key, r in local.ecs_rules : key => {
      description = "${r.description}: a Sentry event (dbrestore ${var.environment})."
      pattern = {
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Task State Change"]
        detail        = merge(local.ecs_stopped, r.detail)
      }
      paths = merge(local.ecs_paths, r.paths)
      event = {
        event_id    = "@<id>@"
        timestamp   = "@<time>@"
        platform    = "other"
        level       = "error"
        logger      = "dbrestore.eventbridge"
        environment = local.sentry_environment
        logentry    = { message = "%s ${r.step}: %s", params = ["@<job>@", r.reason] }
        fingerprint = ["@<job>@", r.step, r.error_kind]
        tags = {
          job           = "@<job>@"
          target        = "@<target>@"
          step          = r.step
          exit_code     = r.exit_code
          error_kind    = r.error_kind
          execution_arn = "@<execution>@"
          ecs_task_arn  = "@<task>@"
          reported_by   = "eventbridge"
        }
        extra = {
          stopped_reason      = "@<stoppedReason>@"
          task_definition_arn = "@<taskDefinition>@"
          containers          = "@<containers>@"
          eventbridge_rule    = "${local.name}-sentry-${key}"
        }
      }
    } },
    { for name, arn in var.pipelines : "execution-${name}" => {
      description = "executions of ${local.pipeline_state_machines[name]} that failed or timed out: a Sentry event (dbrestore ${var.environment})."
      pattern = {
        source        = ["aws.states"]
        "detail-type" = ["Step Functions Execution Status Change"]
        detail        = { status = ["FAILED", "TIMED_OUT"], stateMachineArn = [arn] }
      }
      paths = {
        id        = "$.id"
        time      = "$.time"
        execution = "$.detail.executionArn"
        name      = "$.detail.name"
        status    = "$.detail.status"
        machine   = "$.detail.stateMachineArn"
        startDate = "$.detail.startDate"
        stopDate  = "$.detail.stopDate"
      }
      event = {
        event_id    = "@<id>@"
        timestamp   = "@<time>@"
        platform    = "other"
        level       = "error"
        logger      = "dbrestore.eventbridge"
        environment = local.sentry_environment
        logentry    = { message = "${local.pipeline_state_machines[name]} execution: %s ended %s (the failed steps were notified with their exit code and log link)", params = ["@<name>@", "@<status>@"] }
        fingerprint = [local.pipeline_state_machines[name], "execution", "@<status>@"]
        tags = {
          job           = local.pipeline_state_machines[name]
          pipeline      = name
          step          = "execution"
          exit_code     = "@<status>@"
          error_kind    = "@<status>@"
          execution_arn = "@<execution>@"
          reported_by   = "eventbridge"
        }
        extra = {
          state_machine_arn = "@<machine>@"
          start_date        = "@<startDate>@"
          stop_date         = "@<stopDate>@"
          eventbridge_rule  = "${local.name}-sentry-execution-${name}"
        }
      }
    } },
  )

  # jsonencode escapes < and > (\u003c, \u003e); EventBridge needs them literally. Then "@<x>@"
  # (a JSON string) becomes <x> (a value EventBridge fills in as JSON).
  sentry_rules = { for key, r in local.sentry_rule_specs : key => {
    name          = "${local.name}-sentry-${key}"
    description   = r.description
    event_pattern = jsonencode(r.pattern)
    input_paths   = r.paths
    input_template = replace(replace(
      replace(replace(jsonencode(r.event), "\\u003c", "<"), "\\u003e", ">"),
    "\"@<", "<"), ">@\"", ">")
  } }
}

data "aws_secretsmanager_secret_version" "sentry_dsn" {
  count         = local.sentry_enabled ? 1 : 0
  secret_id     = local.sentry_secret.id
  version_stage = local.sentry_secret.version_stage
  version_id    = local.sentry_secret.version_id
}

# The connection keeps the X-Sentry-Auth header (built from the DSN's public key) in a secret that
# EventBridge manages; nothing else of the DSN is sent.
resource "aws_cloudwatch_event_connection" "sentry" {
  count              = local.sentry_enabled ? 1 : 0
  name               = "${local.name}-sentry"
  description        = "Sentry ingestion for dbrestore ${var.environment} (X-Sentry-Auth from the DSN's public key)."
  authorization_type = "API_KEY"

  auth_parameters {
    api_key {
      key   = "X-Sentry-Auth"
      value = local.sentry_auth
    }
  }

  lifecycle {
    precondition {
      condition     = local.sentry_parts != null
      error_message = "The secret ${var.sentry.dsn_secret_arn} does not hold a Sentry DSN of the form https://<public key>@<host>/<project id>."
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "sentry" {
  count                            = local.sentry_enabled ? 1 : 0
  name                             = "${local.name}-sentry"
  description                      = "Sentry's store endpoint of the project in the DSN."
  connection_arn                   = aws_cloudwatch_event_connection.sentry[0].arn
  invocation_endpoint              = local.sentry_endpoint
  http_method                      = "POST"
  invocation_rate_limit_per_second = var.sentry.rate_limit_per_second
}

resource "aws_cloudwatch_event_rule" "sentry" {
  for_each = local.sentry_enabled ? local.sentry_rules : {}

  name          = each.value.name
  description   = each.value.description
  event_pattern = each.value.event_pattern
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = length(each.value.name) <= 64
      error_message = "The rule name ${each.value.name} is longer than EventBridge's 64 characters: shorten name_prefix, environment or the pipeline's name."
    }
  }
}

resource "aws_cloudwatch_event_target" "sentry" {
  for_each = aws_cloudwatch_event_rule.sentry

  rule     = each.value.name
  arn      = aws_cloudwatch_event_api_destination.sentry[0].arn
  role_arn = aws_iam_role.sentry_events[0].arn

  input_transformer {
    input_paths    = local.sentry_rules[each.key].input_paths
    input_template = local.sentry_rules[each.key].input_template
  }

  retry_policy {
    maximum_retry_attempts       = 10
    maximum_event_age_in_seconds = 3600
  }

  dead_letter_config {
    arn = aws_sqs_queue.sentry_dead_letters[0].arn
  }
}

# What EventBridge could not deliver to Sentry after its retries (Sentry down, the key revoked, a
# body Sentry refused) lands here instead of vanishing, and the alarm below tells the topic. The
# messages are the original events (with their container overrides): kept in this account, 14 days.
resource "aws_sqs_queue" "sentry_dead_letters" {
  count                     = local.sentry_enabled ? 1 : 0
  name                      = "${local.name}-sentry-dead-letters"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue_policy" "sentry_dead_letters" {
  count     = local.sentry_enabled ? 1 : 0
  queue_url = aws_sqs_queue.sentry_dead_letters[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SentryRulesDeadLetters"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["sqs:SendMessage"]
      Resource  = aws_sqs_queue.sentry_dead_letters[0].arn
      Condition = { ArnEquals = { "aws:SourceArn" = [for r in aws_cloudwatch_event_rule.sentry : r.arn] } }
    }]
  })
}

resource "aws_cloudwatch_metric_alarm" "sentry_dead_letters" {
  count               = local.sentry_enabled ? 1 : 0
  alarm_name          = "${local.name}-sentry-undelivered"
  alarm_description   = "dbrestore ${var.environment}: EventBridge could not deliver a failure to Sentry (the events are in ${aws_sqs_queue.sentry_dead_letters[0].name}). See docs/operations.md, \"Alarms\"."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.sentry_dead_letters[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.notification_topic_arn]
  tags                = var.tags
}

resource "aws_iam_role" "sentry_events" {
  count       = local.sentry_enabled ? 1 : 0
  name        = "${local.name}-sentry-events"
  description = "EventBridge sends dbrestore failures outside the jobs to Sentry (the API destination only)."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "sentry_events" {
  count = local.sentry_enabled ? 1 : 0
  name  = "invoke-sentry"
  role  = aws_iam_role.sentry_events[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "InvokeSentry"
      Effect   = "Allow"
      Action   = ["events:InvokeApiDestination"]
      Resource = [aws_cloudwatch_event_api_destination.sentry[0].arn]
    }]
  })
}
