# What the production jobs may do. The shape everywhere: read freely, create only with the
# dbrestore:managed=true tag in the request, change or delete only what carries that tag, and
# share only with the development accounts.

locals {
  region            = var.region
  rds_arn           = "arn:${local.partition}:rds:${local.region}:${local.account_id}"
  ec2_arn           = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
  managed_tag       = { test = "StringEquals", variable = "aws:ResourceTag/dbrestore:managed", values = ["true"] }
  managed_on_create = { test = "StringEquals", variable = "aws:RequestTag/dbrestore:managed", values = ["true"] }

  aurora_snapshot_statements = [
    {
      sid       = "ReadRds"
      actions   = ["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"]
      resources = ["*"]
    },
    {
      # The temporary cluster and its instance exist only with the managed tag.
      sid        = "CreateManagedTemporaryCluster"
      actions    = ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance", "rds:CreateDBClusterSnapshot", "rds:AddTagsToResource"]
      resources  = ["${local.rds_arn}:cluster:dbrestore-*", "${local.rds_arn}:db:dbrestore-*", "${local.rds_arn}:cluster-snapshot:dbrestore-*", "${local.rds_arn}:subgrp:${var.masking_db_subnet_group}", "${local.rds_arn}:cluster-pg:*", "${local.rds_arn}:pg:*", "${local.rds_arn}:og:*"]
      conditions = [local.managed_on_create]
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
  ]

  mongo_snapshot_statements = [
    {
      sid       = "ReadEc2"
      actions   = ["ec2:DescribeSnapshots", "ec2:DescribeVolumes", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeSnapshotAttribute", "ec2:DescribeTags"]
      resources = ["*"]
    },
    {
      sid        = "CreateManagedVolumesAndSnapshots"
      actions    = ["ec2:CreateVolume", "ec2:CreateSnapshot"]
      resources  = ["${local.ec2_arn}:volume/*", "arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [local.managed_on_create]
    },
    {
      # CreateVolume reads the production volume's backup snapshot; CreateSnapshot reads our volume.
      sid       = "ReadSourceSnapshots"
      actions   = ["ec2:CreateVolume", "ec2:CreateSnapshot"]
      resources = ["arn:${local.partition}:ec2:${local.region}::snapshot/*", "${local.ec2_arn}:volume/*"]
      conditions = [
        { test = "StringEquals", variable = "ec2:ResourceTag/dbrestore:managed", values = ["true"] },
      ]
    },
    {
      sid        = "TagOnCreate"
      actions    = ["ec2:CreateTags"]
      resources  = ["${local.ec2_arn}:volume/*", "arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [{ test = "StringEquals", variable = "ec2:CreateAction", values = ["CreateVolume", "CreateSnapshot"] }]
    },
    {
      # The masking instance and its working volumes carry the managed tag.
      sid        = "OperateOnlyManaged"
      actions    = ["ec2:StartInstances", "ec2:StopInstances", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume", "ec2:DeleteSnapshot"]
      resources  = ["${local.ec2_arn}:instance/${var.mongo.instance_id}", "${local.ec2_arn}:volume/*", "arn:${local.partition}:ec2:${local.region}::snapshot/*"]
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
      sid       = "EncryptWithSharingKey"
      actions   = ["kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"]
      resources = [aws_kms_key.sharing.arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ec2.${local.region}.amazonaws.com"] },
      ]
    },
  ]
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
        Action    = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
        Resource  = "*"
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
