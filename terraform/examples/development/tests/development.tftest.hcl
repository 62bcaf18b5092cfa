# Offline: the AWS provider is mocked; every ARN below is made up.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "444455556666" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:eu-west-1:444455556666:cluster/dbrestore" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:444455556666:dbrestore-development-failures-schedule-dead-letters" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:444455556666:dbrestore-development-failures" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:444455556666:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:444455556666:log-group:/dbrestore/jobs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::444455556666:role/mock" }
  }
  mock_resource "aws_scheduler_schedule" {
    defaults = { arn = "arn:aws:scheduler:eu-west-1:444455556666:schedule/default/mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:444455556666:rule/mock" }
  }
  # The Sentry DSN the monitoring module reads (made up), and the ARNs its EventBridge resources
  # check each other's against.
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4500000000000001" }
  }
  mock_resource "aws_cloudwatch_event_connection" {
    defaults = { arn = "arn:aws:events:eu-west-1:444455556666:connection/dbrestore-development-sentry/0f0f0f0f-1111-2222-3333-555555555555" }
  }
  mock_resource "aws_cloudwatch_event_api_destination" {
    defaults = { arn = "arn:aws:events:eu-west-1:444455556666:api-destination/dbrestore-development-sentry/0f0f0f0f-1111-2222-3333-444444444444" }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-pipeline" }
  }
}

override_resource {
  target = module.aurora_restore.aws_ecs_task_definition.this
  values = { arn = "arn:aws:ecs:eu-west-1:444455556666:task-definition/dbrestore-aurora-restore:12" }
}
override_resource {
  target = module.mongo_restore.aws_ecs_task_definition.this
  values = { arn = "arn:aws:ecs:eu-west-1:444455556666:task-definition/dbrestore-mongo-restore:4" }
}
override_resource {
  target = module.atlas_restore.aws_ecs_task_definition.this
  values = { arn = "arn:aws:ecs:eu-west-1:444455556666:task-definition/dbrestore-atlas-restore:2" }
}
override_resource {
  target = module.aurora_restore.aws_iam_role.task
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-aurora-restore-task" }
}
override_resource {
  target = module.aurora_restore.aws_iam_role.execution
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-aurora-restore-execution" }
}
override_resource {
  target = module.aurora_restore.aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:444455556666:log-group:/dbrestore/jobs/aurora-restore" }
}
override_resource {
  target = module.mongo_restore.aws_iam_role.task
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-mongo-restore-task" }
}
override_resource {
  target = module.mongo_restore.aws_iam_role.execution
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-mongo-restore-execution" }
}
override_resource {
  target = module.mongo_restore.aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:444455556666:log-group:/dbrestore/jobs/mongo-restore" }
}
override_resource {
  target = module.atlas_restore.aws_iam_role.task
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-atlas-restore-task" }
}
override_resource {
  target = module.atlas_restore.aws_iam_role.execution
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-atlas-restore-execution" }
}
override_resource {
  target = module.atlas_restore.aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:444455556666:log-group:/dbrestore/jobs/atlas-restore" }
}
# Each pipeline its own state machine ARN (the permission simulation denies starting another).
override_resource {
  target = module.target["develop"].aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-develop" }
}
override_resource {
  target = module.target["edge"].aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-edge" }
}
override_resource {
  target = module.target["report"].aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-report" }
}
override_resource {
  target = module.target["release"].aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-release" }
}
override_resource {
  target = module.temporary.aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-temporary" }
}
override_resource {
  target = module.teardown.aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-teardown" }
}
override_resource {
  target = module.teardown.aws_iam_role.scheduler
  values = { arn = "arn:aws:iam::444455556666:role/dbrestore-teardown-scheduler" }
}

run "render" {
  command = apply

  # What the workflow tests restore from at a point in time (the permission simulation), and a
  # container secret with a JSON key (the execution role reads the secret itself).
  variables {
    aurora_point_in_time_sources = ["monolith"]
    sentry_dsn_secret_arn        = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/sentry-dsn-AbCdEf:dsn::"
  }

  assert {
    condition     = alltrue([for d in values(output.state_machine_definitions) : can(jsondecode(d).States)])
    error_message = "Every rendered definition is JSON with States."
  }

  assert {
    condition     = length(output.state_machine_definitions) == 7
    error_message = "Four targets, temporary, teardown, cleanup."
  }

  assert {
    condition     = [for b in jsondecode(output.state_machine_definitions["development-develop"]).States.Restore.Branches : b.StartAt] == ["Aurora", "MongoDB", "Atlas", "Microservices"]
    error_message = "develop restores Aurora, MongoDB and Atlas in parallel, and the microservice clusters in a Map."
  }

  assert {
    condition     = [for b in jsondecode(output.state_machine_definitions["development-report"]).States.Restore.Branches : b.StartAt] == ["Aurora", "MongoDB"]
    error_message = "report has no Atlas and no microservices."
  }

  assert {
    condition     = jsondecode(output.state_machine_definitions["development-temporary"]).States.ScheduleTeardown.Arguments.ActionAfterCompletion == "DELETE"
    error_message = "The one-time teardown schedule deletes itself."
  }

  assert {
    condition     = jsondecode(output.state_machine_definitions["development-temporary"]).States.ScheduleTeardown.Arguments.Target.Arn == "arn:aws:states:eu-west-1:444455556666:stateMachine:dbrestore-teardown"
    error_message = "The one-time schedule starts the teardown pipeline."
  }

  assert {
    condition     = startswith(jsondecode(output.state_machine_definitions["development-temporary"]).States.ScheduleTeardown.Arguments.ScheduleExpression, "{% 'at('")
    error_message = "The teardown schedule is a one-time at(...) schedule."
  }
}

run "schedules" {
  command = apply

  assert {
    condition     = alltrue([for t in ["develop", "edge", "report"] : output.schedules[t].expression == "cron(0 4 * * ? *)" && output.schedules[t].state == "ENABLED"])
    error_message = "develop, edge and report are restored every night."
  }

  assert {
    condition     = output.schedules["release"].expression == "rate(14 days)" && output.schedules["release"].state == "DISABLED"
    error_message = "release runs every 14 days, disabled by default: QA starts it by hand."
  }

  assert {
    condition     = output.schedules["teardown"].state == "ENABLED" && output.schedules["teardown"].input == "{}"
    error_message = "The daily teardown sweep runs with {}."
  }

  assert {
    condition     = alltrue([for t in ["develop", "edge", "report", "release", "teardown"] : output.schedules[t].dead_letter_queue_arn == module.notifications.schedule_dead_letter_queue_arn])
    error_message = "What EventBridge Scheduler cannot deliver goes to the dead-letter queue (and its alarm), never silently nowhere."
  }
}

run "development_changes_only_managed_resources" {
  command = apply

  assert {
    condition = alltrue([for s in concat(jsondecode(module.aurora_restore.task_role_policy).Statement, jsondecode(module.mongo_restore.task_role_policy).Statement) :
      try(s.Condition.StringEquals["aws:ResourceTag/dbrestore:managed"] == ["true"], false)
      if length([for a in flatten([s.Action]) : a if can(regex("^(rds|ec2):(Delete|Modify|Stop|Start|Detach|Attach|Reboot|RemoveTags)", a))]) > 0
    ])
    error_message = "Every delete, modify, stop, start, attach, detach or reboot requires dbrestore:managed=true on the resource."
  }

  assert {
    condition = alltrue([for s in concat(jsondecode(module.aurora_restore.task_role_policy).Statement, jsondecode(module.mongo_restore.task_role_policy).Statement) :
      try(s.Condition.StringEquals["aws:RequestTag/dbrestore:managed"] == ["true"], false)
      if contains(["CreateOnlyManaged", "CreateOnlyManagedVolumes"], s.Sid)
    ])
    error_message = "Creates carry dbrestore:managed=true in the request."
  }

  assert {
    condition = anytrue([for s in jsondecode(module.temporary.role_policy).Statement :
      try(s.Sid == "PassTeardownRoleToScheduler" && s.Condition.StringEquals["iam:PassedToService"] == "scheduler.amazonaws.com", false)
    ])
    error_message = "The temporary pipeline passes the teardown role only to EventBridge Scheduler."
  }

  assert {
    condition     = module.aurora_restore.container_definition.environment[index(module.aurora_restore.container_definition.environment[*].name, "DBRESTORE_PROTECTED_ACCOUNT")].value == "111122223333"
    error_message = "The production account is protected from every destructive call."
  }

  assert {
    condition = alltrue([for job in [module.aurora_restore, module.mongo_restore, module.atlas_restore] :
      job.container_definition.environment[index(job.container_definition.environment[*].name, "SENTRY_ENVIRONMENT")].value == "development"
    ])
    error_message = "Development failures reach Sentry as development's, not production's."
  }
}

run "mongod_instance_creates_development_users" {
  command = apply

  assert {
    condition     = length(aws_launch_template.mongod) == 4
    error_message = "Every target with a mongod instance has a launch template."
  }

  assert {
    condition = alltrue([for k, lt in aws_launch_template.mongod :
      strcontains(base64decode(lt.user_data), "mongod-restored.service")
      && strcontains(base64decode(lt.user_data), "authorization: enabled")
      && !strcontains(base64decode(lt.user_data), "replication:")
      && !strcontains(base64decode(lt.user_data), "mkfs")
      && strcontains(base64decode(lt.user_data), "USERS_SECRET='arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/${k}-mongo-users-AbCdEf'")
      && strcontains(base64decode(lt.user_data), "DATA_DEVICE='/dev/sdf'")
    ])
    error_message = "mongod runs standalone with authorization on, never formats the restored volume, and creates the target's own users from its development secret."
  }

  assert {
    condition = alltrue([for k, p in aws_iam_role_policy.mongod :
      jsondecode(p.policy).Statement[0].Resource == ["arn:aws:secretsmanager:eu-west-1:444455556666:secret:dbrestore/${k}-mongo-users-AbCdEf"] && length(jsondecode(p.policy).Statement) == 1
    ])
    error_message = "Each target's instance reads only its own users secret."
  }

  assert {
    condition     = alltrue([for lt in values(aws_launch_template.mongod) : lt.tag_specifications[0].tags["dbrestore:managed"] == "true" && lt.metadata_options[0].http_tokens == "required"])
    error_message = "Instances are tagged managed (mongo-restore may swap their volume); IMDSv2 only."
  }
}
