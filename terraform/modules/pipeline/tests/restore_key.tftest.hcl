# Development restores re-encrypt with a key of the development account (kms_key_arn, the jobs'
# --kms-key): restored without one, a cluster or volume stays encrypted with production's sharing
# key and breaks the day production rotates it out or revokes the grant. RDS: "If you don't
# specify a value for the KmsKeyId parameter ... the restored DB cluster is encrypted using the
# KMS key that was used to encrypt the DB snapshot" (RestoreDBClusterFromSnapshot, KmsKeyId).

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
}

variables {
  name           = "develop"
  workflow       = "restore"
  target         = "develop"
  source_account = "111122223333"
  ecs = {
    cluster_arn        = "arn:aws:ecs:eu-west-1:444455556666:cluster/dbrestore"
    subnet_ids         = ["subnet-0ddddddddddddddd1"]
    security_group_ids = ["sg-0ddddddddddddddd1"]
  }
  jobs = {
    "aurora-restore" = {
      task_definition_arn = "arn:aws:ecs:eu-west-1:444455556666:task-definition/dbrestore-aurora-restore:1"
      task_role_arn       = "arn:aws:iam::444455556666:role/aurora-restore-task"
      execution_role_arn  = "arn:aws:iam::444455556666:role/aurora-restore-execution"
    }
  }
  notification_topic_arn         = "arn:aws:sns:eu-west-1:444455556666:dbrestore-failures"
  schedule_dead_letter_queue_arn = "arn:aws:sqs:eu-west-1:444455556666:dbrestore-schedule-dead-letters"
  restore = {
    aurora = { cluster = "develop-app", source_cluster_name = "app" }
  }
}

run "restore_passes_the_development_key" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:444455556666:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = strcontains(local.definition, "\"--kms-key\",\"arn:aws:kms:eu-west-1:444455556666:key/11111111-2222-3333-4444-555555555555\"")
    error_message = "The Aurora restore is re-encrypted with the development key (--kms-key)."
  }
}

run "restore_without_a_key_is_refused" {
  command         = plan
  expect_failures = [var.kms_key_arn]
}

run "production_key_is_refused" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
  }
  expect_failures = [var.kms_key_arn]
}

run "atlas_only_needs_no_key" {
  command = plan
  variables {
    jobs = {
      "atlas-restore" = {
        task_definition_arn = "arn:aws:ecs:eu-west-1:444455556666:task-definition/dbrestore-atlas-restore:1"
        task_role_arn       = "arn:aws:iam::444455556666:role/atlas-restore-task"
        execution_role_arn  = "arn:aws:iam::444455556666:role/atlas-restore-execution"
      }
    }
    restore = {
      atlas = {
        source_project         = "p"
        source_cluster         = "c"
        target_project         = "q"
        target_cluster         = "d"
        credentials_secret_arn = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:atlas-AbCdEf"
      }
    }
  }
}

# Tonight's snapshot, not yesterday's: a nightly restore refuses a masked snapshot older than 20h
# (yesterday's is about 24h old when it runs) and waits for tonight's while production still masks.
run "restore_waits_for_tonights_snapshot" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:444455556666:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = strcontains(local.definition, "\"--max-age\",\"20h\",\"--wait-for-snapshot\",\"120m\"")
    error_message = "The nightly restore refuses yesterday's snapshot (20h) and waits up to two hours for tonight's."
  }
}

run "a_wait_longer_than_half_the_step_is_refused" {
  command = plan
  variables {
    kms_key_arn               = "arn:aws:kms:eu-west-1:444455556666:key/11111111-2222-3333-4444-555555555555"
    wait_for_snapshot_minutes = 200
    timeouts                  = { mongo = 18000, aurora = 21600 }
  }
  expect_failures = [var.wait_for_snapshot_minutes]
}
