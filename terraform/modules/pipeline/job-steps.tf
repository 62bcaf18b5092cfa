# Every job step of the state machines is the same three states, built here once:
#   <step>        run the job's ECS task and wait for its task token (heartbeat, timeout, retries,
#                 startedBy and the execution tag the stop-tasks module finds it by);
#   <step>Notify  on any error, publish the exit-code name, the job's message and the execution to
#                 the SNS topic (retried; a failed publish does not hide the failure);
#   <step>Failed  inside a Parallel branch or a Map item, a result object with status FAILED, so one
#                 failure never stops the others; at the top, a Fail state with the job's error.
# At the top the last two are just Notify and Failed. The templates place the three states by name
# (`MongoDB: ${job_steps.MongoDB.task}`); what differs between steps is in job_step_specs below.

locals {
  target         = coalesce(var.target, var.name)
  source_account = coalesce(var.source_account, "000000000000")

  # The configuration each workflow reads; null when this pipeline runs another workflow.
  snapshot_mongo  = var.workflow == "masked-snapshots" ? try(var.masked_snapshots.mongo, null) : null
  snapshot_aurora = try(var.masked_snapshots.aurora, null)
  share_with      = try(var.masked_snapshots.share_with, [])
  restore_aurora  = try(var.restore.aurora, null)
  restore_mongo   = try(var.restore.mongo, null)
  restore_atlas   = try(var.restore.atlas, null)
  drift_mongo     = var.workflow == "drift" ? try(var.drift.mongo, null) : null

  # What differs between job steps, by workflow and step name (what a step leaves out takes its
  # value from job_step_defaults):
  #   job, timeout      the job (container and task definition) and its var.timeouts key
  #   comment           the task state's Comment
  #   command           the command line, or command_path: an intrinsic (States.Array) that builds
  #                     it from the input; null when the branch is not configured (never placed)
  #   target_path       DBRESTORE_TARGET from the input instead of var.target
  #   input_environment further DBRESTORE_* variables from the input (name => JSONPath)
  #   result_selector, result_path, next   the task state's output and successor (null: End)
  #   failure_result    the FAILED result's name in a branch or Map item; null: a top-level step
  #   subject, message  the notification: a fixed subject (SNS takes fewer than 100 characters,
  #                     and a long cluster or error name must not make the alert vanish), the
  #                     details in the message (States.Format)
  job_step_defaults = {
    comment           = null
    command           = null
    command_path      = null
    target_path       = null
    input_environment = {}
    result_selector   = null
    result_path       = null
    next              = null
    failure_result    = null
  }
  job_step_specs = {
    "masked-snapshots" = {
      MongoDB = {
        job     = "mongo-mask-snapshot"
        timeout = "mongo"
        comment = "Restore the newest backup of the data volume on the masking instance (read only), mask into a blank volume at the published device, verify, snapshot that volume, share."
        command = local.snapshot_mongo == null ? null : concat(
          ["run"],
          local.snapshot_mongo.source_volume != null ? ["--source-volume", local.snapshot_mongo.source_volume] : ["--source-volume-tag", local.snapshot_mongo.source_volume_tag],
          ["--instance", local.snapshot_mongo.instance_id, "--kms-key", local.snapshot_mongo.kms_key_arn],
          flatten([for a in local.share_with : ["--share-with", a]]),
          ["--retention", tostring(local.snapshot_mongo.retention), "--rules", local.snapshot_mongo.rules],
          ["--published-device", local.snapshot_mongo.published_device, "--published-uri-secret", local.snapshot_mongo.published_uri_secret_arn],
          local.snapshot_mongo.extra_args,
        )
        result_selector = { name = "mongodb", status = "DONE", "result.$" = "$" }
        failure_result  = { name = "mongodb" }
        subject         = "dbrestore ${local.target}: mongodb failed"
        message         = "States.Format('dbrestore ${local.target}: the mongodb masked snapshot failed with {}. {} | execution: {}', $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
      AuroraCluster = {
        job             = "aurora-restore"
        timeout         = "aurora"
        command_path    = local.snapshot_aurora == null ? null : "States.Array('snapshot', '--source-cluster', $.cluster.cluster, '--rules', $.cluster.rules, '--instance-class', $.cluster.instanceClass, '--db-subnet-group', '${local.snapshot_aurora.db_subnet_group}'%{for sg in local.snapshot_aurora.security_group_ids}, '--vpc-security-group', '${sg}'%{endfor}, '--kms-key', '${local.snapshot_aurora.kms_key_arn}'%{for a in local.share_with}, '--share-with', '${a}'%{endfor}, '--retention', '${local.snapshot_aurora.retention}')"
        result_selector = { status = "DONE", "result.$" = "$" }
        result_path     = "$.outcome"
        next            = "AuroraClusterDone"
        failure_result  = { "name.$" = "$.cluster.cluster" }
        subject         = "dbrestore ${local.target}: aurora snapshot failed"
        message         = "States.Format('dbrestore ${local.target}: the masked snapshot of Aurora cluster {} failed with {}. {} | execution: {}', $.cluster.cluster, $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
    }

    # By day, read-only: `rules diff` against a secondary / a reader. --exit-zero: drift is this
    # step's finding, not its failure; the template publishes the patch when drift is true.
    drift = {
      MongoDB = {
        job     = "mongo-mask-snapshot"
        timeout = "mongo"
        comment = "What the production MongoDB (a secondary) holds that the rules do not declare: read-only; the result carries the YAML patch."
        command = local.drift_mongo == null ? null : concat(
          ["rules", "diff", "--uri-secret", local.drift_mongo.uri_secret_arn, "--rules", local.drift_mongo.rules, "--exit-zero"],
          local.drift_mongo.sample == null ? [] : ["--sample", tostring(local.drift_mongo.sample)],
          local.drift_mongo.extra_args,
        )
        result_selector = { status = "DONE", "drift.$" = "$.drift", "patch.$" = "$.patch" }
        result_path     = "$.outcome"
        next            = "MongoDBFound"
        failure_result  = { name = "mongodb" }
        subject         = "dbrestore ${local.target}: mongodb drift check failed"
        message         = "States.Format('dbrestore ${local.target}: the rules drift check of mongodb failed with {}. {} | execution: {}', $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
      AuroraCluster = {
        job             = "aurora-restore"
        timeout         = "aurora"
        command_path    = "States.Array('rules', 'diff', '--jdbc-url', $.cluster.jdbcUrl, '--credentials-secret', $.cluster.credentialsSecret, '--rules', $.cluster.rules, '--exit-zero')"
        result_selector = { status = "DONE", "drift.$" = "$.drift", "patch.$" = "$.patch" }
        result_path     = "$.outcome"
        next            = "AuroraClusterFound"
        failure_result  = { "name.$" = "$.cluster.cluster" }
        subject         = "dbrestore ${local.target}: aurora drift check failed"
        message         = "States.Format('dbrestore ${local.target}: the rules drift check of Aurora cluster {} failed with {}. {} | execution: {}', $.cluster.cluster, $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
    }

    restore = {
      Aurora = {
        job               = "aurora-restore"
        timeout           = "aurora"
        comment           = "The monolith's Aurora cluster, from the newest masked snapshot shared by production."
        command           = local.restore_aurora == null ? null : concat(["restore", "--cluster", local.restore_aurora.cluster, "--source-cluster-name", local.restore_aurora.source_cluster_name, "--strategy", local.restore_aurora.strategy, "--source-account", local.source_account, "--max-age", local.max_age, "--wait-for-snapshot", local.wait, "--kms-key", coalesce(var.kms_key_arn, "-")], local.restore_aurora.extra_args)
        input_environment = { DBRESTORE_SNAPSHOT = "$.config.auroraSnapshot" }
        result_selector   = { name = "aurora", status = "DONE", "result.$" = "$" }
        failure_result    = { name = "aurora" }
        subject           = "dbrestore ${local.target}: aurora failed"
        message           = "States.Format('dbrestore ${local.target}: the aurora branch failed with {}. {} | execution: {}', $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
      MongoDB = {
        job               = "mongo-restore"
        timeout           = "mongo"
        comment           = "The monolith's MongoDB on EC2, from the newest masked EBS snapshot shared by production."
        command           = local.restore_mongo == null ? null : concat(["run", "--instance", local.restore_mongo.instance_id, "--mongo-uri-secret", local.restore_mongo.mongo_uri_secret_arn, "--source-account", local.source_account, "--max-age", local.max_age, "--wait-for-snapshot", local.wait, "--kms-key", coalesce(var.kms_key_arn, "-")], local.restore_mongo.extra_args)
        input_environment = { DBRESTORE_SNAPSHOT = "$.config.mongoSnapshot" }
        result_selector   = { name = "mongodb", status = "DONE", "result.$" = "$" }
        failure_result    = { name = "mongodb" }
        subject           = "dbrestore ${local.target}: mongodb failed"
        message           = "States.Format('dbrestore ${local.target}: the mongodb branch failed with {}. {} | execution: {}', $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
      Atlas = {
        job               = "atlas-restore"
        timeout           = "atlas"
        comment           = "The monolith's second document database, a plain Atlas snapshot restore (no personal data)."
        command           = local.restore_atlas == null ? null : concat(["run", "--source-project", local.restore_atlas.source_project, "--source-cluster", local.restore_atlas.source_cluster, "--target-project", local.restore_atlas.target_project, "--target-cluster", local.restore_atlas.target_cluster, "--credentials-secret", local.restore_atlas.credentials_secret_arn], local.restore_atlas.extra_args)
        input_environment = { DBRESTORE_SNAPSHOT_ID = "$.config.atlasSnapshotId" }
        result_selector   = { name = "atlas", status = "DONE", "result.$" = "$" }
        failure_result    = { name = "atlas" }
        subject           = "dbrestore ${local.target}: atlas failed"
        message           = "States.Format('dbrestore ${local.target}: the atlas branch failed with {}. {} | execution: {}', $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
      Microservice = {
        job             = "aurora-restore"
        timeout         = "aurora"
        command_path    = "States.Array('restore', '--cluster', $.cluster.cluster, '--source-cluster-name', $.cluster.source, '--strategy', $.cluster.strategy, '--source-account', '${local.source_account}', '--max-age', '${local.max_age}', '--wait-for-snapshot', '${local.wait}', '--kms-key', '${coalesce(var.kms_key_arn, "-")}')"
        result_selector = { status = "DONE", "result.$" = "$" }
        result_path     = "$.outcome"
        next            = "MicroserviceDone"
        failure_result  = { "name.$" = "$.cluster.cluster" }
        subject         = "dbrestore ${local.target}: microservice cluster failed"
        message         = "States.Format('dbrestore ${local.target}: the microservice cluster {} failed with {}. {} | execution: {}', $.cluster.cluster, $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
    }

    temporary = {
      Restore = {
        job               = "aurora-restore"
        timeout           = "aurora"
        comment           = "Restore the newest masked snapshot of the monolith's Aurora cluster as a new cluster tagged with its expiry."
        command_path      = var.temporary == null ? null : "States.Array('restore', '--cluster', $.config.name, '--ttl', States.Format('{}h', $.config.ttlHours), '--source-cluster-name', '${var.temporary.source_cluster_name}', '--source-account', '${local.source_account}', '--max-age', '${local.max_age}', '--kms-key', '${coalesce(var.kms_key_arn, "-")}'%{for a in var.temporary.extra_args}, '${a}'%{endfor})"
        target_path       = "$.config.name"
        input_environment = { DBRESTORE_SNAPSHOT = "$.config.snapshot" }
        result_path       = "$.restore"
        next              = "ScheduleOrDryRun"
        subject           = "dbrestore: temporary database failed"
        message           = "States.Format('dbrestore {}: the temporary database failed with {}. {} | execution: {} | a cluster tagged with an expiry is removed by the daily teardown sweep', $.config.name, $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
    }

    teardown = {
      Teardown = {
        job               = "aurora-restore"
        timeout           = "aurora"
        command           = ["teardown"]
        target_path       = "$.config.cluster"
        input_environment = { DBRESTORE_CLUSTER = "$.config.cluster" }
        result_path       = "$.teardown"
        next              = "DeleteScheduleOrDone"
        subject           = "dbrestore: teardown failed"
        message           = "States.Format('dbrestore: tearing down [{}] failed with {}. {} | execution: {}', $.config.cluster, $.error.Error, $.error.Cause, $$.Execution.Id)"
      }
    }
  }

  # The three states of each step of this workflow, as JSON (YAML reads it inline). An object
  # built with `{ for k, v in {...} : k => v if v != null }` leaves out what a step does not use:
  # a conditional cannot choose between objects of different shapes.
  job_steps = { for name, s in { for n, spec in local.job_step_specs[var.workflow] : n => merge(local.job_step_defaults, spec) } : name => {
    task = jsonencode(merge(
      {
        Type             = "Task"
        Resource         = "arn:aws:states:::ecs:runTask.waitForTaskToken"
        HeartbeatSeconds = var.heartbeat_seconds
        TimeoutSeconds   = var.timeouts[s.timeout]
        Parameters = {
          LaunchType           = "FARGATE"
          Cluster              = var.ecs.cluster_arn
          TaskDefinition       = try(var.jobs[s.job].task_definition_arn, null)
          NetworkConfiguration = local.network
          "StartedBy.$"        = "States.Hash($$.Execution.Id, 'MD5')"
          PropagateTags        = "TASK_DEFINITION"
          Tags                 = [{ Key = "dbrestore:execution", "Value.$" = "$$.Execution.Id" }]
          Overrides = {
            ContainerOverrides = [merge(
              { Name = s.job },
              { for k, v in { Command = s.command, "Command.$" = s.command_path } : k => v if v != null },
              {
                Environment = concat(
                  [
                    { Name = "DBRESTORE_TASK_TOKEN", "Value.$" = "$$.Task.Token" },
                    { Name = "DBRESTORE_EXECUTION_ARN", "Value.$" = "$$.Execution.Id" },
                    merge({ Name = "DBRESTORE_TARGET" }, { for k, v in { Value = s.target_path == null ? local.target : null, "Value.$" = s.target_path } : k => v if v != null }),
                    { Name = "DBRESTORE_TIMEOUT", Value = local.job_timeouts[s.timeout] },
                    { Name = "DBRESTORE_DRY_RUN", "Value.$" = "States.Format('{}', $.config.dryRun)" },
                    { Name = "DBRESTORE_HEARTBEAT_TIMEOUT_SECONDS", Value = tostring(var.heartbeat_seconds) },
                  ],
                  [for variable, path in s.input_environment : { Name = variable, "Value.$" = path }],
                )
              },
            )]
          }
        }
        Retry = local.retry
        Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "${s.failure_result == null ? "" : name}Notify" }]
      },
      { for k, v in {
        Comment        = s.comment
        ResultSelector = s.result_selector
        ResultPath     = s.result_path
        Next           = s.next
        End            = s.next == null ? true : null
      } : k => v if v != null },
    ))

    notify = jsonencode({
      Type     = "Task"
      Resource = "arn:aws:states:::sns:publish"
      Parameters = {
        TopicArn    = var.notification_topic_arn
        Subject     = s.subject
        "Message.$" = s.message
      }
      ResultPath = null
      Retry      = local.notify_retry
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = null, Next = "${s.failure_result == null ? "" : name}Failed" }]
      Next       = "${s.failure_result == null ? "" : name}Failed"
    })

    failed = (s.failure_result == null
      ? jsonencode({ Type = "Fail", ErrorPath = "$.error.Error", CausePath = "$.error.Cause" })
      : jsonencode({
        Type       = "Pass"
        Parameters = merge(s.failure_result, { status = "FAILED", "error.$" = "$.error.Error", "cause.$" = "$.error.Cause" })
        End        = true
      })
    )
  } }
}
