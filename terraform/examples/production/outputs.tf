output "state_machine_definitions" {
  description = "Every rendered state-machine definition of this account, by state machine (JSON)."
  value = merge({
    "production-masked-snapshots" = module.masked_snapshots.definition
    "production-cleanup"          = module.stop_tasks.definition
  }, { for m in module.drift : "production-drift" => m.definition })
}

output "task_definitions" {
  description = "Container definitions as deployed, by job (for review and the contract test)."
  value = {
    "aurora-restore"      = module.aurora_restore.container_definition
    "mongo-mask-snapshot" = module.mongo_mask_snapshot.container_definition
  }
}

output "masked_snapshots_state_machine_arn" {
  description = "The nightly masked-snapshots state machine."
  value       = module.masked_snapshots.state_machine_arn
}

output "sharing_kms_key_arn" {
  description = "KMS key of the masked snapshots; the development accounts use it to restore them."
  value       = aws_kms_key.sharing.arn
}

output "schedule_targets" {
  description = "What each recurring schedule starts (its target), with which role (by its iam_policies name) and where undeliverable events go (the permission simulation)."
  value = merge({
    "production-masked-snapshots" = {
      role                  = "production-masked-snapshots-scheduler"
      state_machine_arn     = module.masked_snapshots.schedule.target_arn
      dead_letter_queue_arn = module.masked_snapshots.schedule.dead_letter_queue_arn
    }
    }, { for m in module.drift : "production-drift" => {
      role                  = "production-drift-scheduler"
      state_machine_arn     = m.schedule.target_arn
      dead_letter_queue_arn = m.schedule.dead_letter_queue_arn
  } })
}

output "job_roles" {
  description = "Task and execution role ARNs of each job (the permission simulation: what the state machines pass to ECS)."
  value = {
    for k, j in { "aurora-restore" = module.aurora_restore, "mongo-mask-snapshot" = module.mongo_mask_snapshot } :
    k => { task_role_arn = j.task_role_arn, execution_role_arn = j.execution_role_arn }
  }
}

output "notification_topic_arn" {
  description = "Failures are published here."
  value       = module.notifications.topic_arn
}

output "iam_policies" {
  description = "Every role's policy document (JSON), by role, as deployed: for review and the permission simulation (terraform/test/iam-check.mjs)."
  value = merge({
    "production-aurora-restore-task"           = module.aurora_restore.task_role_policy
    "production-mongo-mask-snapshot-task"      = module.mongo_mask_snapshot.task_role_policy
    "production-aurora-restore-execution"      = module.aurora_restore.execution_role_policy
    "production-mongo-mask-snapshot-execution" = module.mongo_mask_snapshot.execution_role_policy
    "production-masked-snapshots-sfn"          = module.masked_snapshots.role_policy
    "production-masked-snapshots-scheduler"    = module.masked_snapshots.scheduler_role_policy
    "production-cleanup-sfn"                   = module.stop_tasks.role_policy
    }, merge([for m in module.drift : {
      "production-drift-sfn"       = m.role_policy
      "production-drift-scheduler" = m.scheduler_role_policy
  }]...))
}

output "kms_key_policies" {
  description = "Key policies of the keys this example creates, by key (the permission simulation evaluates KMS calls with them)."
  value       = { "production-sharing" = aws_kms_key.sharing.policy }
}
