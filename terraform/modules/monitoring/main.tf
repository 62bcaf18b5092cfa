data "aws_region" "current" {}

# Alarms (to the notifications topic) and a dashboard over the jobs' EMF metrics (namespace
# dbrestore) and Step Functions' own metrics (AWS/States). The Sentry rules are in sentry.tf.

locals {
  name      = "${var.name_prefix}-${var.environment}"
  region    = data.aws_region.current.name
  namespace = "dbrestore"

  # A state machine's name is the last part of its ARN.
  pipeline_state_machines = { for name, arn in var.pipelines : name => element(split(":", arn), 6) }

  freshness = { for f in var.freshness : "${f.metric}/${f.job}/${f.target}" => f }
  masking   = var.masking == null ? {} : { for s in var.masking.series : "${s.job}/${s.target}" => s }
  # The masking alarm's threshold in seconds (MaskingSeconds is in seconds).
  masking_threshold_seconds = var.masking == null ? null : floor(var.masking.budget_minutes * 60 * var.masking.warn_share)

  freshness_words = {
    Refreshed         = { name = "not-refreshed", what = "no successful restore" }
    SnapshotPublished = { name = "not-published", what = "no masked snapshot made and shared" }
  }
}

# --- (a) freshness: a success must have been recorded within max_age_hours -----------------------
# Refreshed / SnapshotPublished is a datapoint (1) only when a run succeeded; a night without success
# leaves no datapoint at all. So the alarm looks at max_age_hours one-hour periods, takes a missing
# datapoint as breaching, and goes off only when every one of them breaches (datapoints_to_alarm =
# evaluation_periods): "no success in the last max_age_hours hours". One-hour periods because
# CloudWatch allows period x evaluation_periods up to 7 days only for periods of an hour or more
# (a day for shorter ones), and one one-day period would be aligned to a calendar day rather than
# to the last success. Granularity: the hour in which the success fell counts as a whole, so the
# alarm goes off between max_age_hours - 1 and max_age_hours after the last success.
resource "aws_cloudwatch_metric_alarm" "freshness" {
  for_each = local.freshness

  alarm_name          = "${local.name}-${local.freshness_words[each.value.metric].name}-${each.value.job}-${each.value.target}"
  alarm_description   = "dbrestore ${var.environment}: ${local.freshness_words[each.value.metric].what} of ${each.value.target} (${each.value.job}, metric ${each.value.metric}) in the last ${each.value.max_age_hours} hours. See docs/operations.md, \"Alarms\"."
  namespace           = local.namespace
  metric_name         = each.value.metric
  dimensions          = { Job = each.value.job, Target = each.value.target }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = each.value.max_age_hours
  datapoints_to_alarm = each.value.max_age_hours
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [var.notification_topic_arn]
  ok_actions          = [var.notification_topic_arn]
  tags                = var.tags
}

# --- (b) executions of the pipelines that failed, timed out or were aborted ------------------------
# Step Functions publishes these per state machine only when one happened; FILL(..., 0) makes the
# sum defined in every period, and a period without any is not breaching.
resource "aws_cloudwatch_metric_alarm" "executions" {
  for_each = var.pipelines

  alarm_name          = "${local.name}-executions-failed-${each.key}"
  alarm_description   = "dbrestore ${var.environment}: an execution of ${local.pipeline_state_machines[each.key]} failed, timed out or was aborted (AWS/States ExecutionsFailed + ExecutionsTimedOut + ExecutionsAborted). See docs/operations.md, \"Alarms\"."
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.notification_topic_arn]
  tags                = var.tags

  metric_query {
    id          = "ended"
    expression  = "FILL(failed, 0) + FILL(timedout, 0) + FILL(aborted, 0)"
    label       = "executions failed, timed out or aborted"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { failed = "ExecutionsFailed", timedout = "ExecutionsTimedOut", aborted = "ExecutionsAborted" }
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/States"
        metric_name = metric_query.value
        dimensions  = { StateMachineArn = each.value }
        stat        = "Sum"
        period      = 300
      }
    }
  }
}

# --- (c) the stop-tasks state machine itself failed --------------------------------------------------
resource "aws_cloudwatch_metric_alarm" "stop_tasks" {
  alarm_name          = "${local.name}-stop-tasks-failed"
  alarm_description   = "dbrestore ${var.environment}: the stop-tasks state machine (${element(split(":", var.stop_tasks_state_machine_arn), 6)}) failed, timed out or was aborted: ECS tasks of an ended pipeline execution may still be running. See docs/operations.md, \"Alarms\"."
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.notification_topic_arn]
  tags                = var.tags

  metric_query {
    id          = "ended"
    expression  = "FILL(failed, 0) + FILL(timedout, 0) + FILL(aborted, 0)"
    label       = "stop-tasks executions failed, timed out or aborted"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { failed = "ExecutionsFailed", timedout = "ExecutionsTimedOut", aborted = "ExecutionsAborted" }
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/States"
        metric_name = metric_query.value
        dimensions  = { StateMachineArn = var.stop_tasks_state_machine_arn }
        stat        = "Sum"
        period      = 300
      }
    }
  }
}

# --- (d) masking time trending past the morning deadline --------------------------------------------
# One datapoint a night (the job's MaskingSeconds); one-day periods, the night's maximum. The alarm
# goes off when it exceeded warn_share of the budget on nights_to_alarm of the last `nights` nights:
# a trend (data growing, a slower instance class), not one slow night, and before the budget itself
# is spent (then development would wait for tonight's snapshot and finally refuse it). A night
# without masking (no datapoint) is not breaching: the freshness alarm reports a missing snapshot.
resource "aws_cloudwatch_metric_alarm" "masking" {
  for_each = local.masking

  alarm_name          = "${local.name}-masking-slow-${each.value.job}-${each.value.target}"
  alarm_description   = "dbrestore ${var.environment}: masking ${each.value.target} (${each.value.job}) took more than ${floor(var.masking.warn_share * 100)}% of its ${var.masking.budget_minutes}-minute budget (${local.masking_threshold_seconds} s) on ${var.masking.nights_to_alarm} of the last ${var.masking.nights} nights; at this trend the masked snapshot will not be shared before the development restores start. See docs/operations.md, \"Alarms\"."
  namespace           = local.namespace
  metric_name         = "MaskingSeconds"
  dimensions          = { Job = each.value.job, Target = each.value.target }
  statistic           = "Maximum"
  period              = 86400
  evaluation_periods  = var.masking.nights
  datapoints_to_alarm = var.masking.nights_to_alarm
  threshold           = local.masking_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.notification_topic_arn]
  tags                = var.tags
}

# --- the dashboard -----------------------------------------------------------------------------------
locals {
  # SEARCH finds every Job/Target (or Job/Step/Target) series of a metric, whatever targets exist.
  search = {
    for m, stat in {
      RunSeconds         = "Maximum", ExitCode = "Maximum", Succeeded = "Sum", MaskingSeconds = "Maximum",
      MaskedItems        = "Sum", MaskedItemsPerSecond = "Average", VerificationPassed = "Minimum",
      SnapshotAgeSeconds = "Maximum", DataBytes = "Maximum", Refreshed = "Sum", SnapshotPublished = "Sum",
    } : m => "SEARCH('{${local.namespace},Job,Target} MetricName=\"${m}\"', '${stat}', 86400)"
  }
  step_search = "SEARCH('{${local.namespace},Job,Step,Target} MetricName=\"StepSeconds\"', 'Maximum', 86400)"

  metric_widget = { type = "metric", width = 12, height = 6 }
  # The budget and the alarm's threshold as lines on the masking widget; nothing without a budget.
  masking_annotations = { for k, v in {
    annotations = {
      horizontal = [
        { label = "budget (${try(var.masking.budget_minutes, 0)} min)", value = try(var.masking.budget_minutes * 60, 0), color = "#d62728" },
        { label = "alarm: over ${try(floor(var.masking.warn_share * 100), 0)}% on ${try(var.masking.nights_to_alarm, 0)} of ${try(var.masking.nights, 0)} nights", value = coalesce(local.masking_threshold_seconds, 0), color = "#ff7f0e" },
      ]
    }
  } : k => v if var.masking != null }
  metric_properties = {
    view    = "timeSeries"
    region  = local.region
    period  = 86400
    stacked = false
  }

  dashboard_widgets = concat(
    [
      {
        type   = "text"
        width  = 24
        height = 2
        properties = {
          markdown = "# dbrestore ${var.environment}\nOne datapoint per job run (namespace `${local.namespace}`, dimensions Job, Target; StepSeconds also Step) and Step Functions' executions. What each alarm means and what to do: docs/operations.md, \"Alarms\"."
        }
      },
      {
        type   = "alarm"
        width  = 24
        height = 3
        properties = {
          title = "Alarms"
          alarms = concat(
            [for a in aws_cloudwatch_metric_alarm.freshness : a.arn],
            [for a in aws_cloudwatch_metric_alarm.executions : a.arn],
            [aws_cloudwatch_metric_alarm.stop_tasks.arn],
            [for a in aws_cloudwatch_metric_alarm.masking : a.arn],
            [for a in aws_cloudwatch_metric_alarm.sentry_dead_letters : a.arn],
          )
        }
      },
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title = "Executions per pipeline (per day)"
          view  = "bar"
          stat  = "Sum"
          # One metric array per pipeline and metric (flatten would flatten the arrays too).
          metrics = concat([], values({
            for name, arn in var.pipelines : name => [
              for m in ["ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] :
              ["AWS/States", m, "StateMachineArn", arn, { label = "${name} ${trimprefix(m, "Executions")}" }]
            ]
          })...)
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Successful refreshes and published snapshots (per day)"
          view    = "bar"
          metrics = [[{ expression = local.search.Refreshed, id = "refreshed" }], [{ expression = local.search.SnapshotPublished, id = "published" }]]
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Run time per job and target (s, the night's longest)"
          metrics = [[{ expression = local.search.RunSeconds, id = "run" }]]
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Exit codes (0 done, 1 fault, 2 invalid input, 3 refused, 4 timed out, 5 verification failed, 6 cancelled)"
          metrics = [[{ expression = local.search.ExitCode, id = "exit" }]]
          yAxis   = { left = { min = 0, max = 6 } }
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Masking time (s)"
          metrics = [[{ expression = local.search.MaskingSeconds, id = "masking" }]]
        }, local.masking_annotations)
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Masked items per second"
          metrics = [[{ expression = local.search.MaskedItemsPerSecond, id = "rate" }]]
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Masked items and verification (1 passed, 0 failed)"
          metrics = [[{ expression = local.search.MaskedItems, id = "items" }], [{ expression = local.search.VerificationPassed, id = "verified", yAxis = "right" }]]
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Time per step (s)"
          metrics = [[{ expression = local.step_search, id = "steps" }]]
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Age of the snapshot restored or masked (s)"
          metrics = [[{ expression = local.search.SnapshotAgeSeconds, id = "age" }]]
        })
      }),
      merge(local.metric_widget, {
        properties = merge(local.metric_properties, {
          title   = "Data size (bytes)"
          metrics = [[{ expression = local.search.DataBytes, id = "bytes" }]]
        })
      }),
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
