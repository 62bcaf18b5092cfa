output "state_machine_definitions" {
  description = "Every rendered state-machine definition of this account, by state machine (JSON)."
  value = merge(
    { for k, t in module.target : "development-${k}" => t.definition },
    {
      "development-temporary" = module.temporary.definition
      "development-teardown"  = module.teardown.definition
      "development-cleanup"   = module.stop_tasks.definition
    },
  )
}

output "task_definitions" {
  description = "Container definitions as deployed, by job (for review and the contract test)."
  value = {
    "aurora-restore" = module.aurora_restore.container_definition
    "mongo-restore"  = module.mongo_restore.container_definition
    "atlas-restore"  = module.atlas_restore.container_definition
  }
}

output "pipelines" {
  description = "State machine ARN of each pipeline."
  value = merge(
    { for k, t in module.target : k => t.state_machine_arn },
    { temporary = module.temporary.state_machine_arn, teardown = module.teardown.state_machine_arn },
  )
}

output "schedules" {
  description = "Each pipeline's recurring schedule (expression, timezone, state, input)."
  value = merge(
    { for k, t in module.target : k => t.schedule },
    { teardown = module.teardown.schedule },
  )
}

output "schedule_targets" {
  description = "What each recurring schedule starts (its target), with which role (by its iam_policies name) and where undeliverable events go (the permission simulation)."
  value = merge(
    { for k, t in module.target : "development-${k}" => {
      role                  = "development-${k}-scheduler"
      state_machine_arn     = t.schedule.target_arn
      dead_letter_queue_arn = t.schedule.dead_letter_queue_arn
    } if t.schedule != null },
    { "development-teardown" = {
      role                  = "development-teardown-scheduler"
      state_machine_arn     = module.teardown.schedule.target_arn
      dead_letter_queue_arn = module.teardown.schedule.dead_letter_queue_arn
    } },
  )
}

output "job_roles" {
  description = "Task and execution role ARNs of each job (the permission simulation: what the state machines pass to ECS)."
  value       = { for k, j in local.jobs : k => { task_role_arn = j.task_role_arn, execution_role_arn = j.execution_role_arn } }
}

output "notification_topic_arn" {
  description = "Failures are published here."
  value       = module.notifications.topic_arn
}

output "iam_policies" {
  description = "Every role's policy document (JSON), by role, as deployed: for review and the permission simulation (terraform/test/iam-check.mjs)."
  value = merge(
    {
      "development-aurora-restore-task"      = module.aurora_restore.task_role_policy
      "development-mongo-restore-task"       = module.mongo_restore.task_role_policy
      "development-atlas-restore-task"       = module.atlas_restore.task_role_policy
      "development-aurora-restore-execution" = module.aurora_restore.execution_role_policy
      "development-mongo-restore-execution"  = module.mongo_restore.execution_role_policy
      "development-atlas-restore-execution"  = module.atlas_restore.execution_role_policy
      "development-temporary-sfn"            = module.temporary.role_policy
      "development-teardown-sfn"             = module.teardown.role_policy
      "development-teardown-scheduler"       = module.teardown.scheduler_role_policy
      "development-cleanup-sfn"              = module.stop_tasks.role_policy
    },
    { for k, t in module.target : "development-${k}-sfn" => t.role_policy },
    { for k, t in module.target : "development-${k}-scheduler" => t.scheduler_role_policy },
  )
}

output "kms_key_policies" {
  description = "Key policies of the keys this example creates, by key (the permission simulation evaluates KMS calls with them)."
  value       = { "development-restores" = aws_kms_key.restores.policy }
}
