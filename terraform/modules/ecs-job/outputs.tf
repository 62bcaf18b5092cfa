output "name" {
  description = "The job's name, also its container name in the task definition (for container overrides)."
  value       = var.name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision, with its revision number."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_role_arn" {
  description = "ARN of the task role (what the job may do)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, secrets)."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the job's tasks; streams are job/<container>/<task id>."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the job's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "container_definition" {
  description = "The container definition as deployed (for review and tests)."
  value       = local.container
}

output "task_role_policy" {
  description = "The task role's policy document (JSON)."
  value       = aws_iam_role_policy.task.policy
}

output "execution_role_policy" {
  description = "The execution role's policy document (JSON)."
  value       = aws_iam_role_policy.execution.policy
}

output "task_size" {
  description = "CPU units and memory (MiB) of the task."
  value       = { cpu = aws_ecs_task_definition.this.cpu, memory = aws_ecs_task_definition.this.memory }
}

output "log_retention_days" {
  description = "Retention of the job's log group."
  value       = aws_cloudwatch_log_group.this.retention_in_days
}
