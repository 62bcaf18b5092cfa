output "state_machine_arn" {
  description = "ARN of the state machine."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the state machine."
  value       = aws_sfn_state_machine.this.name
}

output "definition" {
  description = "The rendered state-machine definition (JSON), exactly as deployed."
  value       = local.definition
}

output "role_arn" {
  description = "ARN of the state machine's role."
  value       = aws_iam_role.state_machine.arn
}

output "role_policy" {
  description = "The state machine role's policy document (JSON)."
  value       = aws_iam_role_policy.state_machine.policy
}

output "scheduler_role_arn" {
  description = "ARN of the role EventBridge Scheduler uses to start this state machine (also for one-time schedules that target it)."
  value       = aws_iam_role.scheduler.arn
}

output "schedule_arn" {
  description = "ARN of the recurring schedule, or null."
  value       = try(aws_scheduler_schedule.this[0].arn, null)
}

output "schedule_state" {
  description = "ENABLED or DISABLED, or null without a schedule."
  value       = try(aws_scheduler_schedule.this[0].state, null)
}

output "schedule" {
  description = "The recurring schedule as deployed (expression, timezone, state, input, target state machine, dead-letter queue), or null."
  value = try({
    expression            = aws_scheduler_schedule.this[0].schedule_expression
    timezone              = aws_scheduler_schedule.this[0].schedule_expression_timezone
    state                 = aws_scheduler_schedule.this[0].state
    input                 = aws_scheduler_schedule.this[0].target[0].input
    target_arn            = aws_scheduler_schedule.this[0].target[0].arn
    dead_letter_queue_arn = try(aws_scheduler_schedule.this[0].target[0].dead_letter_config[0].arn, null)
  }, null)
}

output "scheduler_role_policy" {
  description = "The scheduler role's policy document (JSON)."
  value       = aws_iam_role_policy.scheduler.policy
}
