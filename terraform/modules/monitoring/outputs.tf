output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_body" {
  description = "The dashboard's body (JSON), as deployed."
  value       = aws_cloudwatch_dashboard.this.dashboard_body
}

output "alarm_names" {
  description = "Every alarm's name, by kind: freshness (by metric/job/target), executions (by pipeline), stop_tasks, masking (by job/target), sentry (undelivered events; null without sentry)."
  value = {
    freshness  = { for k, a in aws_cloudwatch_metric_alarm.freshness : k => a.alarm_name }
    executions = { for k, a in aws_cloudwatch_metric_alarm.executions : k => a.alarm_name }
    stop_tasks = aws_cloudwatch_metric_alarm.stop_tasks.alarm_name
    masking    = { for k, a in aws_cloudwatch_metric_alarm.masking : k => a.alarm_name }
    sentry     = try(aws_cloudwatch_metric_alarm.sentry_dead_letters[0].alarm_name, null)
  }
}

output "sentry_event_rules" {
  description = "Each Sentry rule as deployed (name, event_pattern JSON, input_paths, input_template); empty without sentry. terraform/test/sentry-events.test.mjs applies them to AWS's sample events."
  value       = local.sentry_enabled ? local.sentry_rules : {}
}

output "sentry_api_destination_arn" {
  description = "The API destination posting to Sentry's store endpoint; null without sentry."
  value       = try(aws_cloudwatch_event_api_destination.sentry[0].arn, null)
}

output "sentry_role_policy" {
  description = "The policy of the role EventBridge sends to Sentry with (JSON); null without sentry."
  value       = try(aws_iam_role_policy.sentry_events[0].policy, null)
}
