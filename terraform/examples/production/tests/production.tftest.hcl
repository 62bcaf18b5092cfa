# Offline: the AWS provider is mocked; every ARN below is made up.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:eu-west-1:111122223333:cluster/dbrestore" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:111122223333:dbrestore-production-failures-schedule-dead-letters" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111122223333:dbrestore-production-failures" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/dbrestore/jobs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mock" }
  }
  mock_resource "aws_scheduler_schedule" {
    defaults = { arn = "arn:aws:scheduler:eu-west-1:111122223333:schedule/default/mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:111122223333:rule/mock" }
  }
  # The Sentry DSN the monitoring module reads (made up), and the ARNs its EventBridge resources
  # check each other's against.
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4500000000000001" }
  }
  mock_resource "aws_cloudwatch_event_connection" {
    defaults = { arn = "arn:aws:events:eu-west-1:111122223333:connection/dbrestore-production-sentry/0f0f0f0f-1111-2222-3333-555555555555" }
  }
  mock_resource "aws_cloudwatch_event_api_destination" {
    defaults = { arn = "arn:aws:events:eu-west-1:111122223333:api-destination/dbrestore-production-sentry/0f0f0f0f-1111-2222-3333-444444444444" }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = { arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:dbrestore-masked-snapshots" }
  }
}

# Each pipeline its own state machine ARN (the permission simulation denies starting another, and
# the Sentry rules take only their own machine).
override_resource {
  target = module.masked_snapshots.aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:dbrestore-masked-snapshots" }
}
override_resource {
  target = module.drift[0].aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:dbrestore-drift" }
}
override_resource {
  target = aws_instance.masking
  values = { id = "i-0aaaaaaaaaaaaaaa1", arn = "arn:aws:ec2:eu-west-1:111122223333:instance/i-0aaaaaaaaaaaaaaa1" }
}
override_resource {
  target = aws_security_group.masking_instance
  values = { id = "sg-0ccccccccccccccc1" }
}
override_resource {
  target = module.aurora_restore.aws_ecs_task_definition.this
  values = { arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/dbrestore-aurora-restore:7" }
}
override_resource {
  target = module.mongo_mask_snapshot.aws_ecs_task_definition.this
  values = { arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/dbrestore-mongo-mask-snapshot:3" }
}
override_resource {
  target = module.aurora_restore.aws_iam_role.task
  values = { arn = "arn:aws:iam::111122223333:role/dbrestore-aurora-restore-task" }
}
override_resource {
  target = module.aurora_restore.aws_iam_role.execution
  values = { arn = "arn:aws:iam::111122223333:role/dbrestore-aurora-restore-execution" }
}
override_resource {
  target = module.mongo_mask_snapshot.aws_iam_role.task
  values = { arn = "arn:aws:iam::111122223333:role/dbrestore-mongo-mask-snapshot-task" }
}
override_resource {
  target = module.mongo_mask_snapshot.aws_iam_role.execution
  values = { arn = "arn:aws:iam::111122223333:role/dbrestore-mongo-mask-snapshot-execution" }
}
override_resource {
  target = module.aurora_restore.aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/dbrestore/jobs/aurora-restore" }
}
override_resource {
  target = module.mongo_mask_snapshot.aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/dbrestore/jobs/mongo-mask-snapshot" }
}

run "render" {
  command = apply

  # The sources' customer-managed key and the production MongoDB volume (the permission
  # simulation decrypts with the one and copies the other's backup snapshots); the Sentry DSN
  # container secret (the execution role injects it).
  variables {
    source_kms_key_arns   = ["arn:aws:kms:eu-west-1:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"]
    sentry_dsn_secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/sentry-dsn-AbCdEf"
    mongo = {
      source_volume_tag = "dbrestore:source=mongo-data"
      source_volume_ids = ["vol-0aaaaaaaaaaaaaaa1"]
    }
  }

  assert {
    condition     = alltrue([for d in values(output.state_machine_definitions) : can(jsondecode(d).States)])
    error_message = "Every rendered definition is JSON with States."
  }

  assert {
    condition     = jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Type == "Parallel"
    error_message = "MongoDB and Aurora run in parallel branches."
  }

  assert {
    condition     = length(jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches) == 2
    error_message = "Two branches: MongoDB and the Aurora Map."
  }

  assert {
    condition     = jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Config.Parameters.clusters[1].cluster == "orders"
    error_message = "The Aurora Map iterates the clusters holding personal data."
  }
}

run "schedule_is_nightly_and_enabled" {
  command = apply

  assert {
    condition     = module.masked_snapshots.schedule_state == "ENABLED"
    error_message = "The masked snapshots run every night."
  }

  assert {
    condition     = module.masked_snapshots.schedule.expression == "cron(0 0 * * ? *)" && module.masked_snapshots.schedule.timezone == "Europe/Berlin"
    error_message = "Nightly at midnight, Berlin time."
  }

  assert {
    condition     = module.masked_snapshots.schedule.input == "{}"
    error_message = "The schedule starts the normal run with {}."
  }
}

run "snapshots_are_shared_only_with_development" {
  command = apply

  # EC2: ModifySnapshotAttribute only towards the development accounts, never public.
  assert {
    condition = anytrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      try(s.Sid == "ShareOnlyWithDevelopment" && s.Condition["ForAllValues:StringEquals"]["ec2:Add/userId"] == ["444455556666"], false)
    ])
    error_message = "EBS snapshots may be shared only with the development accounts (ec2:Add/userId)."
  }

  assert {
    condition = anytrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      try(s.Sid == "NeverPublic" && s.Effect == "Deny" && s.Condition.Null["ec2:Add/group"] == ["false"], false)
    ])
    error_message = "Making a snapshot public is denied."
  }

  # KMS: the development accounts use the sharing key only through RDS/EC2, grants only for AWS resources.
  assert {
    condition = alltrue([for s in jsondecode(aws_kms_key.sharing.policy).Statement :
      s.Sid == "AccountAdministers" || try(s.Condition.StringEquals["kms:CallerAccount"] == ["444455556666"], false)
    ])
    error_message = "Every key-policy statement for other accounts is limited to the development accounts."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_kms_key.sharing.policy).Statement :
      try(s.Sid == "DevelopmentGrantsForAwsResources" && s.Condition.Bool["kms:GrantIsForAWSResource"] == "true", false)
    ])
    error_message = "KMS grants only for AWS resources."
  }

  # RDS: sharing and deleting only what carries the managed tag.
  assert {
    condition = anytrue([for s in jsondecode(module.aurora_restore.task_role_policy).Statement :
      try(s.Sid == "ChangeOnlyManaged" && contains(s.Action, "rds:ModifyDBClusterSnapshotAttribute") && s.Condition.StringEquals["aws:ResourceTag/dbrestore:managed"] == ["true"], false)
    ])
    error_message = "RDS snapshot sharing and deletes are limited to managed resources."
  }
}

run "pipeline_role_least_privilege" {
  command = apply

  assert {
    condition = anytrue([for s in jsondecode(module.masked_snapshots.role_policy).Statement :
      try(s.Sid == "PassJobRolesToEcsTasks" && s.Condition.StringEquals["iam:PassedToService"] == "ecs-tasks.amazonaws.com" && length(s.Resource) == 4, false)
    ])
    error_message = "iam:PassRole only for the four job roles, only to ECS tasks."
  }

  assert {
    condition = anytrue([for s in jsondecode(module.masked_snapshots.role_policy).Statement :
      try(s.Sid == "RunJobTasks" && s.Condition.ArnEquals["ecs:cluster"] == "arn:aws:ecs:eu-west-1:111122223333:cluster/dbrestore" && !contains(s.Resource, "*"), false)
    ])
    error_message = "ecs:RunTask only for the job task definitions, only in the dbrestore cluster."
  }
}

run "task_definitions" {
  command = apply

  assert {
    condition     = module.aurora_restore.task_size.cpu == "4096" && module.aurora_restore.task_size.memory == "8192"
    error_message = "aurora-restore masks with 4 vCPU and 8 GiB."
  }

  assert {
    condition     = module.mongo_mask_snapshot.container_definition.logConfiguration.logDriver == "awslogs"
    error_message = "Logs go to CloudWatch Logs."
  }

  assert {
    condition     = module.mongo_mask_snapshot.log_retention_days == 90
    error_message = "Job logs are kept 90 days."
  }

  assert {
    condition     = contains([for s in module.mongo_mask_snapshot.container_definition.secrets : s.name], "DBRESTORE_MONGO_URI")
    error_message = "The MongoDB connection string is injected from Secrets Manager, never in plain text."
  }

  assert {
    condition     = module.aurora_restore.container_definition.readonlyRootFilesystem == true
    error_message = "The root filesystem is read-only."
  }
}

run "mongo_masks_into_a_blank_published_volume" {
  command = apply

  # The MongoDB branch's command line, as deployed.
  assert {
    condition     = jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command[index(jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command, "--published-device") + 1] == "/dev/sdg"
    error_message = "mongo-mask-snapshot run writes the masked copy into the blank volume at --published-device /dev/sdg."
  }

  assert {
    condition     = jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command[index(jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command, "--published-uri-secret") + 1] == "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-published-uri-AbCdEf"
    error_message = "mongo-mask-snapshot run reaches mongod-published through --published-uri-secret."
  }

  assert {
    condition     = jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command[index(jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command, "--device") + 1] == "/dev/sdf" && jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command[index(jsondecode(output.state_machine_definitions["production-masked-snapshots"]).States.Snapshots.Branches[0].States.MongoDB.Parameters.Overrides.ContainerOverrides[0].Command, "--instance") + 1] == "i-0aaaaaaaaaaaaaaa1"
    error_message = "The working copy is at the masking instance's source device, on the example's masking instance."
  }

  # The task role reads the published URI secret itself (it is not injected).
  assert {
    condition = anytrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      try(s.Sid == "PublishedMongoUri" && s.Action == ["secretsmanager:GetSecretValue"] && s.Resource == ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-published-uri-AbCdEf"], false)
    ])
    error_message = "The mongo-mask-snapshot task role may read the published URI secret."
  }

  # CreateVolume of a volume (blank or from the backup snapshot) only tagged, encrypted, with the
  # sharing key; no other statement allows creating volumes.
  assert {
    condition = anytrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      try(s.Sid == "CreateEncryptedManagedVolumes" && s.Action == ["ec2:CreateVolume"] && s.Resource == ["arn:aws:ec2:eu-west-1:111122223333:volume/*"]
        && s.Condition.StringEquals["aws:RequestTag/dbrestore:managed"] == ["true"]
        && s.Condition.Bool["ec2:Encrypted"] == ["true"]
      && s.Condition.StringEquals["ec2:KmsKeyId"] == ["arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"], false)
    ])
    error_message = "A blank volume may be created only with the managed tag, encrypted with the sharing key."
  }

  assert {
    condition = alltrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      s.Sid == "CreateEncryptedManagedVolumes" || !contains(flatten([s.Action]), "ec2:CreateVolume") || !anytrue([for r in flatten([s.Resource]) : can(regex(":volume/", r))])
    ])
    error_message = "Only CreateEncryptedManagedVolumes allows ec2:CreateVolume on a volume resource."
  }

  # The published volume: attach, detach, delete and snapshot only with the managed tag.
  assert {
    condition = anytrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      try(s.Sid == "OperateOnlyManaged" && length(setsubtract(["ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume"], s.Action)) == 0 && contains(s.Resource, "arn:aws:ec2:eu-west-1:111122223333:volume/*") && contains(s.Resource, "arn:aws:ec2:eu-west-1:111122223333:instance/i-0aaaaaaaaaaaaaaa1") && s.Condition.StringEquals["aws:ResourceTag/dbrestore:managed"] == ["true"], false)
    ])
    error_message = "Attach, detach and delete only managed volumes, on the masking instance."
  }

  assert {
    condition = anytrue([for s in jsondecode(module.mongo_mask_snapshot.task_role_policy).Statement :
      try(s.Sid == "SnapshotManagedVolumes" && s.Action == ["ec2:CreateSnapshot"] && s.Condition.StringEquals["ec2:ResourceTag/dbrestore:managed"] == ["true"], false)
    ])
    error_message = "Snapshots only of managed volumes."
  }
}

run "masking_instance" {
  command = apply

  assert {
    condition     = strcontains(aws_instance.masking.user_data, "mongod-source.service") && strcontains(aws_instance.masking.user_data, "mongod-published.service")
    error_message = "The masking instance's user data installs both services, mongod-source and mongod-published."
  }

  assert {
    condition     = strcontains(aws_instance.masking.user_data, "SOURCE_DEVICE='/dev/sdf'") && strcontains(aws_instance.masking.user_data, "PUBLISHED_DEVICE='/dev/sdg'")
    error_message = "The services use the devices the job attaches at (--device, --published-device)."
  }

  assert {
    condition     = strcontains(aws_instance.masking.user_data, "authorization: enabled") && !strcontains(aws_instance.masking.user_data, "replSet") && !strcontains(aws_instance.masking.user_data, "replication:")
    error_message = "Both mongod run standalone (no replica set) with authorization on."
  }

  assert {
    condition     = strcontains(aws_instance.masking.user_data, "COPY_USER_SECRET='arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-published-uri-AbCdEf'") && strcontains(aws_instance.masking.user_data, "mkfs.xfs")
    error_message = "The blank published volume is formatted, and its copy user comes from the published URI secret."
  }

  assert {
    condition     = length(aws_instance.masking.user_data) < 16384
    error_message = "EC2 user data is limited to 16 KB."
  }

  assert {
    condition     = aws_instance.masking.tags["dbrestore:managed"] == "true" && aws_instance.masking.metadata_options[0].http_tokens == "required"
    error_message = "The job may operate the instance only with the managed tag; IMDSv2 only."
  }

  assert {
    condition = length(aws_vpc_security_group_ingress_rule.masking_mongod) == 2 && alltrue([for r in values(aws_vpc_security_group_ingress_rule.masking_mongod) :
      r.referenced_security_group_id == "sg-0aaaaaaaaaaaaaaa1" && contains([27017, 27018], r.from_port) && r.from_port == r.to_port && r.cidr_ipv4 == null
    ])
    error_message = "Only the job tasks' security group reaches 27017 and 27018."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.masking_instance.policy).Statement[0].Action == ["secretsmanager:GetSecretValue"] && jsondecode(aws_iam_role_policy.masking_instance.policy).Statement[0].Resource == ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/mongo-published-uri-AbCdEf"] && length(jsondecode(aws_iam_role_policy.masking_instance.policy).Statement) == 1
    error_message = "The instance profile may read the copy-user secret, nothing else."
  }
}
