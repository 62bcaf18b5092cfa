output "state_machine_arn" {
  description = "ARN of the state machine that stops the tasks."
  value       = aws_sfn_state_machine.this.arn
}

output "definition" {
  description = "The rendered stop-tasks definition (JSON), exactly as deployed."
  value       = local.definition
}

output "event_rule_arn" {
  description = "ARN of the EventBridge rule on ended executions."
  value       = aws_cloudwatch_event_rule.ended.arn
}

output "event_pattern" {
  description = "The rule's event pattern (JSON)."
  value       = aws_cloudwatch_event_rule.ended.event_pattern
}

output "role_policy" {
  description = "The stop-tasks state machine role's policy document (JSON)."
  value       = aws_iam_role_policy.state_machine.policy
}
