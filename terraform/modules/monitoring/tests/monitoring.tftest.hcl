# The alarms and the dashboard as CloudWatch will evaluate them, and the Sentry rules' plumbing
# (the transformed events themselves are checked by terraform/test/sentry-events.test.mjs).
# Offline: the AWS provider is mocked (apply with mock_provider computes made-up ARNs).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "444455556666" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4500000000000001\n" }
  }
  mock_resource "aws_cloudwatch_event_api_destination" {
    defaults = { arn = "arn:aws:events:eu-west-1:444455556666:api-destination/dbrestore-development-sentry/0f0f0f0f-1111-2222-3333-444444444444" }
  }
  mock_resource "aws_cloudwatch_event_connection" {
    defaults = { arn = "arn:aws:events:eu-west-1:444455556666:connection/dbrestore-development-sentry/0f0f0f0f-1111-2222-3333-555555555555" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:444455556666:rule/mock" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::444455556666:role/dbrestore-development-sentry-events" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:444455556666:dbrestore-development-sentry-dead-letters", id = "https://sqs.eu-west-1.amazonaws.com/444455556666/dbrestore-development-sentry-dead-letters" }
  }
  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = { arn = "arn:aws:cloudwatch:eu-west-1:444455556666:alarm:mock" }
  }
}

variables {
  environment            = "development"
  notification_topic_arn = "arn:aws:sns:eu-west-1:444455556666:dbrestore-development-failures"
  pipelines = {
    develop  = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-develop"
    teardown = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-teardown"
  }
  stop_tasks_state_machine_arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-cleanup"
  ecs_cluster_arn              = "arn:aws:ecs:eu-west-1:444455556666:cluster/dbrestore"
  freshness = [
    { metric = "Refreshed", job = "aurora-restore", target = "develop-monolith", max_age_hours = 28 },
    { metric = "Refreshed", job = "mongo-restore", target = "i-0ddddddddddddddd1", max_age_hours = 28 },
  ]
  sentry = { dsn_secret_arn = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/sentry-dsn-AbCdEf" }
}

# Refreshed is a datapoint only on success: "no datapoint" must breach, and only when every hour of
# the window lacks one (28 one-hour periods, all 28 breaching), i.e. no success in 28 hours.
run "freshness_alarm_breaches_on_missing_data_over_the_whole_window" {
  command = apply

  assert {
    condition = alltrue([
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].namespace == "dbrestore",
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].metric_name == "Refreshed",
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].dimensions == tomap({ Job = "aurora-restore", Target = "develop-monolith" }),
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].statistic == "Sum",
    ])
    error_message = "The freshness alarm watches dbrestore/Refreshed of its job and target (Sum)."
  }

  assert {
    condition = alltrue([
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].period == 3600,
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].evaluation_periods == 28,
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].datapoints_to_alarm == 28,
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].threshold == 1,
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].comparison_operator == "LessThanThreshold",
      aws_cloudwatch_metric_alarm.freshness["Refreshed/aurora-restore/develop-monolith"].treat_missing_data == "breaching",
    ])
    error_message = "No success in 28 hours: 28 one-hour periods, all breaching, missing data breaching, fewer than one success."
  }

  assert {
    condition = alltrue([for a in aws_cloudwatch_metric_alarm.freshness :
      a.period * a.evaluation_periods <= 604800 && a.alarm_actions == toset([var.notification_topic_arn]) && a.ok_actions == toset([var.notification_topic_arn])
    ])
    error_message = "Freshness alarms stay within CloudWatch's 7-day evaluation range and publish ALARM and OK to the topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.freshness["Refreshed/mongo-restore/i-0ddddddddddddddd1"].alarm_name == "dbrestore-development-not-refreshed-mongo-restore-i-0ddddddddddddddd1"
    error_message = "The alarm's name says which target is stale."
  }
}

run "execution_alarms_sum_failed_timed_out_and_aborted_per_pipeline" {
  command = apply

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.executions)) == toset(["develop", "teardown"])
    error_message = "One execution alarm per pipeline."
  }

  assert {
    condition = alltrue([for name, a in aws_cloudwatch_metric_alarm.executions :
      sort([for q in a.metric_query : q.metric[0].metric_name if q.id != "ended"]) == tolist(["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"])
    ])
    error_message = "Each pipeline's alarm reads AWS/States ExecutionsFailed, ExecutionsTimedOut and ExecutionsAborted."
  }

  assert {
    condition = alltrue(flatten([for name, a in aws_cloudwatch_metric_alarm.executions : [for q in a.metric_query :
      q.metric[0].namespace == "AWS/States" && q.metric[0].dimensions["StateMachineArn"] == var.pipelines[name] && q.metric[0].stat == "Sum" if q.id != "ended"
    ]]))
    error_message = "Each pipeline's alarm reads the Sum of its own state machine's metrics."
  }

  assert {
    condition = alltrue([for name, a in aws_cloudwatch_metric_alarm.executions :
      one([for q in a.metric_query : q.expression if q.id == "ended"]) == "FILL(failed, 0) + FILL(timedout, 0) + FILL(aborted, 0)" && one([for q in a.metric_query : q.return_data if q.id == "ended"])
    ])
    error_message = "The alarm evaluates the sum of the three, each filled with 0 where Step Functions published nothing."
  }

  assert {
    condition = alltrue([for name, a in aws_cloudwatch_metric_alarm.executions :
      a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold" && a.treat_missing_data == "notBreaching" && a.evaluation_periods == 1 && a.alarm_actions == toset([var.notification_topic_arn])
    ])
    error_message = "Any failed, timed-out or aborted execution alarms to the topic; no execution is not breaching."
  }

  assert {
    condition = alltrue([
      sort([for q in aws_cloudwatch_metric_alarm.stop_tasks.metric_query : q.metric[0].metric_name if q.id != "ended"]) == tolist(["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"]),
      alltrue([for q in aws_cloudwatch_metric_alarm.stop_tasks.metric_query : q.metric[0].dimensions["StateMachineArn"] == var.stop_tasks_state_machine_arn if q.id != "ended"]),
      aws_cloudwatch_metric_alarm.stop_tasks.alarm_actions == toset([var.notification_topic_arn]),
      aws_cloudwatch_metric_alarm.stop_tasks.treat_missing_data == "notBreaching",
    ])
    error_message = "The stop-tasks machine's failures, timeouts and aborts alarm to the topic."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.masking) == 0
    error_message = "Development has no masking budget, so no masking alarm."
  }
}

run "masking_alarm_is_a_trend_over_nights" {
  command = apply
  variables {
    environment = "production"
    pipelines   = { "masked-snapshots" = "arn:aws:states:eu-west-1:111122223333:stateMachine:dbrestore-masked-snapshots" }
    freshness = [
      { metric = "SnapshotPublished", job = "aurora-restore", target = "monolith", max_age_hours = 26 },
      { metric = "SnapshotPublished", job = "mongo-mask-snapshot", target = "production", max_age_hours = 26 },
    ]
    masking = {
      budget_minutes = 180
      series         = [{ job = "aurora-restore", target = "monolith" }, { job = "mongo-mask-snapshot", target = "production" }]
    }
  }

  assert {
    condition = alltrue([for a in aws_cloudwatch_metric_alarm.masking : alltrue([
      a.namespace == "dbrestore", a.metric_name == "MaskingSeconds", a.statistic == "Maximum",
      a.period == 86400, a.evaluation_periods == 7, a.datapoints_to_alarm == 3,
      a.threshold == 8640, a.comparison_operator == "GreaterThanThreshold", a.treat_missing_data == "notBreaching",
      a.alarm_actions == toset([var.notification_topic_arn]),
    ])])
    error_message = "Masking alarms: the night's longest masking over 80% of 180 minutes (8640 s) on 3 of the last 7 nights; a night without masking does not count."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.masking["mongo-mask-snapshot/production"].dimensions == tomap({ Job = "mongo-mask-snapshot", Target = "production" })
    error_message = "Each masking alarm watches its own job and target."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.freshness["SnapshotPublished/aurora-restore/monolith"].alarm_name == "dbrestore-production-not-published-aurora-restore-monolith" && aws_cloudwatch_metric_alarm.freshness["SnapshotPublished/aurora-restore/monolith"].metric_name == "SnapshotPublished"
    error_message = "Production's freshness alarms watch SnapshotPublished per cluster."
  }

  assert {
    condition = one([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.annotations.horizontal if try(w.properties.title, "") == "Masking time (s)"]) == [
      { label = "budget (180 min)", value = 10800, color = "#d62728" },
      { label = "alarm: over 80% on 3 of 7 nights", value = 8640, color = "#ff7f0e" },
    ]
    error_message = "The masking widget draws the budget and the alarm's threshold."
  }
}

run "dashboard_body_is_valid_and_covers_the_metrics" {
  command = apply

  assert {
    condition     = can(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets)
    error_message = "The dashboard body is JSON with widgets."
  }

  assert {
    condition = alltrue([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      contains(["text", "alarm", "metric"], w.type) && w.width >= 1 && w.width <= 24 && w.height >= 1 &&
      (w.type != "metric" || (try(w.properties.region, "") == "eu-west-1" && length(try(w.properties.metrics, [])) > 0))
    ])
    error_message = "Every widget has a known type and a size within the 24-column grid; every metric widget a region and metrics."
  }

  assert {
    condition = alltrue(flatten([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
      for m in try(w.properties.metrics, []) : can(length(m)) && !can(tostring(m))
    ]]))
    error_message = "Each entry of a widget's metrics is an array (namespace, name, dimensions..., options) or [{expression}], never a bare string."
  }

  assert {
    condition = alltrue([for m in ["RunSeconds", "ExitCode", "MaskingSeconds", "MaskedItems", "MaskedItemsPerSecond", "VerificationPassed", "SnapshotAgeSeconds", "DataBytes", "Refreshed", "SnapshotPublished", "StepSeconds"] :
      strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "MetricName=\\\"${m}\\\"")
    ])
    error_message = "The dashboard shows every metric of the jobs' EMF contract."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "SEARCH('{dbrestore,Job,Step,Target} MetricName=\\\"StepSeconds\\\"'") && strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "SEARCH('{dbrestore,Job,Target} MetricName=\\\"RunSeconds\\\"'")
    error_message = "Run-level metrics are searched with dimensions Job, Target; StepSeconds with Job, Step, Target."
  }

  assert {
    condition     = toset(flatten([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [for m in try(w.properties.metrics, []) : try(m[3], "") if try(m[0], "") == "AWS/States"]])) == toset(values(var.pipelines))
    error_message = "The executions widget shows every pipeline's state machine."
  }

  assert {
    condition     = length(one([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.alarms if w.type == "alarm"])) == 2 + 2 + 1 + 1
    error_message = "The alarm widget lists every alarm (2 freshness, 2 execution, stop-tasks, Sentry undelivered)."
  }
}

run "sentry_posts_to_the_store_endpoint_with_the_public_key" {
  command = apply

  assert {
    condition     = nonsensitive(aws_cloudwatch_event_api_destination.sentry[0].invocation_endpoint) == "https://o123456.ingest.sentry.io/api/4500000000000001/store/" && aws_cloudwatch_event_api_destination.sentry[0].http_method == "POST"
    error_message = "The API destination posts to the store endpoint of the DSN's host and project."
  }

  assert {
    condition = alltrue([
      aws_cloudwatch_event_connection.sentry[0].authorization_type == "API_KEY",
      aws_cloudwatch_event_connection.sentry[0].auth_parameters[0].api_key[0].key == "X-Sentry-Auth",
      nonsensitive(aws_cloudwatch_event_connection.sentry[0].auth_parameters[0].api_key[0].value) == "Sentry sentry_version=7, sentry_client=dbrestore-eventbridge/1.0, sentry_key=0123456789abcdef0123456789abcdef",
    ])
    error_message = "The connection sends X-Sentry-Auth with the DSN's public key."
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.sentry)) == toset(["ecs-failed-to-start", "ecs-out-of-memory", "ecs-unexpected-exit", "execution-develop", "execution-teardown"])
    error_message = "Three ECS rules and one per pipeline."
  }

  assert {
    condition = alltrue([for k, t in aws_cloudwatch_event_target.sentry :
      t.arn == aws_cloudwatch_event_api_destination.sentry[0].arn && t.role_arn == aws_iam_role.sentry_events[0].arn && t.input_transformer[0].input_template == output.sentry_event_rules[k].input_template
    ])
    error_message = "Every rule sends its transformed event to the API destination with the module's role."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.sentry["ecs-failed-to-start"].event_pattern).detail.clusterArn == [var.ecs_cluster_arn] && jsondecode(aws_cloudwatch_event_rule.sentry["ecs-failed-to-start"].event_pattern).detail.group == [{ prefix = "family:dbrestore-" }]
    error_message = "The ECS rules listen only to the pipelines' cluster and the dbrestore task definition families."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.sentry["execution-develop"].event_pattern).detail == { status = ["FAILED", "TIMED_OUT"], stateMachineArn = [var.pipelines.develop] }
    error_message = "A pipeline's rule takes its own executions that failed or timed out."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.sentry_events[0].policy).Statement == [{
      Sid = "InvokeSentry", Effect = "Allow", Action = ["events:InvokeApiDestination"], Resource = [aws_cloudwatch_event_api_destination.sentry[0].arn]
    }]
    error_message = "EventBridge's role may invoke the Sentry API destination and nothing else."
  }

  assert {
    condition     = jsondecode(aws_iam_role.sentry_events[0].assume_role_policy).Statement[0].Principal.Service == "events.amazonaws.com" && jsondecode(aws_iam_role.sentry_events[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "444455556666"
    error_message = "Only EventBridge of this account assumes the role."
  }

  assert {
    condition     = alltrue([for t in aws_cloudwatch_event_target.sentry : t.dead_letter_config[0].arn == aws_sqs_queue.sentry_dead_letters[0].arn && t.retry_policy[0].maximum_event_age_in_seconds == 3600])
    error_message = "What cannot be delivered within an hour goes to the dead-letter queue."
  }

  assert {
    condition = alltrue([
      jsondecode(aws_sqs_queue_policy.sentry_dead_letters[0].policy).Statement[0].Principal.Service == "events.amazonaws.com",
      toset(jsondecode(aws_sqs_queue_policy.sentry_dead_letters[0].policy).Statement[0].Condition.ArnEquals["aws:SourceArn"]) == toset([for r in aws_cloudwatch_event_rule.sentry : r.arn]),
      aws_cloudwatch_metric_alarm.sentry_dead_letters[0].dimensions == tomap({ QueueName = aws_sqs_queue.sentry_dead_letters[0].name }),
      aws_cloudwatch_metric_alarm.sentry_dead_letters[0].metric_name == "ApproximateNumberOfMessagesVisible",
      aws_cloudwatch_metric_alarm.sentry_dead_letters[0].threshold == 0 && aws_cloudwatch_metric_alarm.sentry_dead_letters[0].comparison_operator == "GreaterThanThreshold",
      aws_cloudwatch_metric_alarm.sentry_dead_letters[0].alarm_actions == toset([var.notification_topic_arn]),
    ])
    error_message = "Only the Sentry rules may send to the dead-letter queue, and a message in it alarms to the topic."
  }

  assert {
    condition     = !strcontains(jsonencode(output.sentry_event_rules), "DBRESTORE_TASK_TOKEN") && !strcontains(jsonencode(output.sentry_event_rules), "command")
    error_message = "Neither the task token nor the command line is forwarded to Sentry."
  }
}

run "without_sentry_no_rules_no_connection" {
  command = apply
  variables {
    sentry = null
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.sentry) == 0 && length(aws_cloudwatch_event_connection.sentry) == 0 && length(aws_iam_role.sentry_events) == 0 && length(aws_sqs_queue.sentry_dead_letters) == 0 && length(output.sentry_event_rules) == 0
    error_message = "Without sentry nothing is sent anywhere."
  }
}

run "a_json_key_of_the_secret_is_read" {
  command = apply
  variables {
    sentry = { dsn_secret_arn = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/sentry-AbCdEf:dsn::" }
  }
  override_data {
    target = data.aws_secretsmanager_secret_version.sentry_dsn[0]
    values = { secret_string = "{\"dsn\": \"https://fedcba9876543210fedcba9876543210@sentry.example.com/sentry/7\"}" }
  }

  assert {
    condition     = data.aws_secretsmanager_secret_version.sentry_dsn[0].secret_id == "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/sentry-AbCdEf" && data.aws_secretsmanager_secret_version.sentry_dsn[0].version_stage == null
    error_message = "The secret is read by its ARN without ECS's JSON-key suffix."
  }

  assert {
    condition     = nonsensitive(aws_cloudwatch_event_api_destination.sentry[0].invocation_endpoint) == "https://sentry.example.com/sentry/api/7/store/"
    error_message = "The DSN is the JSON key the reference names; a self-hosted Sentry's path prefix is kept."
  }
}

run "a_secret_without_a_dsn_is_refused" {
  command = plan
  override_data {
    target = data.aws_secretsmanager_secret_version.sentry_dsn[0]
    values = { secret_string = "not a dsn" }
  }
  expect_failures = [aws_cloudwatch_event_connection.sentry]
}

run "unknown_freshness_metric_is_refused" {
  command = plan
  variables {
    freshness = [{ metric = "Restored", job = "aurora-restore", target = "develop-monolith", max_age_hours = 28 }]
  }
  expect_failures = [var.freshness]
}

run "a_job_that_does_not_emit_the_metric_is_refused" {
  command = plan
  variables {
    freshness = [{ metric = "SnapshotPublished", job = "atlas-restore", target = "develop", max_age_hours = 28 }]
  }
  expect_failures = [var.freshness]
}

run "a_window_longer_than_seven_days_is_refused" {
  command = plan
  variables {
    freshness = [{ metric = "Refreshed", job = "aurora-restore", target = "develop-monolith", max_age_hours = 169 }]
  }
  expect_failures = [var.freshness]
}

run "a_fractional_window_is_refused" {
  command = plan
  variables {
    freshness = [{ metric = "Refreshed", job = "aurora-restore", target = "develop-monolith", max_age_hours = 26.5 }]
  }
  expect_failures = [var.freshness]
}

run "more_nights_to_alarm_than_nights_is_refused" {
  command = plan
  variables {
    masking = { budget_minutes = 180, nights = 5, nights_to_alarm = 6, series = [{ job = "aurora-restore", target = "monolith" }] }
  }
  expect_failures = [var.masking]
}

run "a_zero_share_is_refused" {
  command = plan
  variables {
    masking = { budget_minutes = 180, warn_share = 0, series = [{ job = "aurora-restore", target = "monolith" }] }
  }
  expect_failures = [var.masking]
}

run "a_pipeline_that_is_not_a_state_machine_is_refused" {
  command = plan
  variables {
    pipelines = { develop = "arn:aws:ecs:eu-west-1:444455556666:cluster/dbrestore" }
  }
  expect_failures = [var.pipelines]
}
