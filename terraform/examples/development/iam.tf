# What the development jobs may do: read freely; create only with dbrestore:managed=true in the
# request; stop, detach, modify, rename, tag or delete only what carries that tag. The managed tag
# is put on a resource only by the call that creates it. The shared production snapshots are read
# through the production sharing key and re-encrypted with this account's key (aws_kms_key.restores),
# via RDS and EC2 only. Every call the jobs' tests make is
# evaluated against these policies (deploy-tests IamSimulationIT, terraform/README.md).

locals {
  region  = var.region
  rds_arn = "arn:${local.partition}:rds:${local.region}:${local.account_id}"
  ec2_arn = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"

  managed_tag       = { test = "StringEquals", variable = "aws:ResourceTag/dbrestore:managed", values = ["true"] }
  managed_on_create = { test = "StringEquals", variable = "aws:RequestTag/dbrestore:managed", values = ["true"] }

  # Tags a job sets on what it manages after creating it (rds:AddTagsToResource, ec2:CreateTags):
  # never dbrestore:managed, which only the creating call carries.
  later_tag_keys      = ["dbrestore:state", "dbrestore:masked", "dbrestore:expires-at", "dbrestore:replaced-by", "dbrestore:replaces", "dbrestore:sanity-checked", "dbrestore:label"]
  only_later_tag_keys = { test = "ForAllValues:StringEquals", variable = "aws:TagKeys", values = local.later_tag_keys }
  only_dbrestore_tags = { test = "ForAllValues:StringLike", variable = "aws:TagKeys", values = ["dbrestore:*"] }

  # Production's sharing key is only read (RDS and EC2 decrypt the shared snapshot with it); the
  # restored copy is encrypted with this account's key (GenerateDataKey*, ReEncryptTo), so no
  # development environment depends on the production key.
  sharing_key_actions = ["kms:DescribeKey", "kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant"]
  restore_key_actions = ["kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey*", "kms:CreateGrant"]

  aurora_restore_statements = concat([
    {
      sid       = "ReadRds"
      actions   = ["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"]
      resources = ["*"]
    },
    {
      sid        = "CreateOnlyManaged"
      actions    = ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance"]
      resources  = ["${local.rds_arn}:cluster:*", "${local.rds_arn}:db:*"]
      conditions = [local.managed_on_create]
    },
    {
      # RDS authorizes a create's tags as rds:AddTagsToResource on the new resource, and has no
      # condition key telling them from a later AddTagsToResource (the service reference lists
      # aws:RequestTag, aws:TagKeys, rds:TagsFromRequest, rds:req-tag for it). So the managed tag
      # may be put only on the names a restore creates: the new cluster <target>-next and its
      # instances <target>-next-<n>. Nothing else can be given the tag.
      sid        = "TagOnCreate"
      actions    = ["rds:AddTagsToResource"]
      resources  = ["${local.rds_arn}:cluster:*-next", "${local.rds_arn}:db:*-next-*"]
      conditions = [local.managed_on_create, local.only_dbrestore_tags]
    },
    {
      # After the create: the swap, the state, masked and expiry tags, only on managed resources
      # and never the managed tag itself.
      sid        = "TagOnlyManaged"
      actions    = ["rds:AddTagsToResource"]
      resources  = ["${local.rds_arn}:cluster:*", "${local.rds_arn}:db:*"]
      conditions = [local.managed_tag, local.only_later_tag_keys]
    },
    {
      # A restore also names the shared snapshot, the subnet group and the parameter groups.
      sid       = "RestoreFromSharedSnapshots"
      actions   = ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance"]
      resources = ["arn:${local.partition}:rds:${local.region}:${var.production_account_id}:cluster-snapshot:dbrestore-*", "${local.rds_arn}:subgrp:*", "${local.rds_arn}:cluster-pg:*", "${local.rds_arn}:pg:*", "${local.rds_arn}:og:*", "${local.rds_arn}:secgrp:*"]
    },
    {
      sid        = "ChangeOnlyManaged"
      actions    = ["rds:ModifyDBCluster", "rds:ModifyDBInstance", "rds:DeleteDBCluster", "rds:DeleteDBInstance", "rds:RebootDBInstance", "rds:RemoveTagsFromResource"]
      resources  = ["${local.rds_arn}:cluster:*", "${local.rds_arn}:db:*"]
      conditions = [local.managed_tag]
    },
    {
      sid       = "MasterPassword"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.master_password_secret_arn]
    },
    {
      # Decrypt only: restores are re-encrypted with the development key (--kms-key).
      sid       = "ReadSharedSnapshotKey"
      actions   = local.sharing_key_actions
      resources = [var.production_sharing_kms_key_arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["rds.${local.region}.amazonaws.com"] },
      ]
    },
    {
      sid       = "UseDevelopmentKey"
      actions   = local.restore_key_actions
      resources = [aws_kms_key.restores.arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["rds.${local.region}.amazonaws.com"] },
      ]
    },
    ], length(var.aurora_point_in_time_sources) == 0 ? [] : [{
      # --source-cluster: a restore copies these development clusters at a point in time.
      sid       = "PointInTimeSources"
      actions   = ["rds:RestoreDBClusterToPointInTime"]
      resources = [for c in var.aurora_point_in_time_sources : "${local.rds_arn}:cluster:${c}"]
  }])

  mongo_restore_statements = [
    {
      sid       = "MongoUris"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = compact([for t in values(var.targets) : t.mongo_uri_secret])
    },
    {
      sid       = "ReadEc2"
      actions   = ["ec2:DescribeSnapshots", "ec2:DescribeVolumes", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeTags"]
      resources = ["*"]
    },
    {
      # Managed, and encrypted with the development key: never with production's sharing key.
      sid       = "CreateOnlyManagedVolumes"
      actions   = ["ec2:CreateVolume"]
      resources = ["${local.ec2_arn}:volume/*"]
      conditions = [
        local.managed_on_create,
        { test = "StringEquals", variable = "ec2:KmsKeyId", values = [aws_kms_key.restores.arn] },
      ]
    },
    {
      sid       = "CreateFromSharedSnapshots"
      actions   = ["ec2:CreateVolume"]
      resources = ["arn:${local.partition}:ec2:${local.region}::snapshot/*"]
      conditions = [
        { test = "StringEquals", variable = "ec2:Owner", values = [var.production_account_id] },
      ]
    },
    {
      sid        = "TagOnCreate"
      actions    = ["ec2:CreateTags"]
      resources  = ["${local.ec2_arn}:volume/*"]
      conditions = [{ test = "StringEquals", variable = "ec2:CreateAction", values = ["CreateVolume"] }]
    },
    {
      sid        = "OperateOnlyManaged"
      actions    = ["ec2:StopInstances", "ec2:StartInstances", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume"]
      resources  = ["${local.ec2_arn}:instance/*", "${local.ec2_arn}:volume/*"]
      conditions = [local.managed_tag]
    },
    {
      sid       = "ReadSharedSnapshotKey"
      actions   = local.sharing_key_actions
      resources = [var.production_sharing_kms_key_arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ec2.${local.region}.amazonaws.com"] },
      ]
    },
    {
      sid       = "UseDevelopmentKey"
      actions   = local.restore_key_actions
      resources = [aws_kms_key.restores.arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ec2.${local.region}.amazonaws.com"] },
      ]
    },
  ]

  atlas_restore_statements = [
    {
      sid       = "AtlasCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.atlas_credentials_secret_arn]
    },
  ]
}

# The key every restored cluster and volume is re-encrypted with (the pipelines' kms_key_arn,
# the jobs' --kms-key): development copies never depend on production's sharing key, which
# production may rotate or revoke. AWS's default key policy: this account's IAM policies decide
# (the restore roles may use it through RDS and EC2 only).
resource "aws_kms_key" "restores" {
  description         = "dbrestore: development clusters and volumes restored from masked snapshots"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
  tags = local.tags
}

resource "aws_kms_alias" "restores" {
  name          = "alias/dbrestore-restores"
  target_key_id = aws_kms_key.restores.key_id
}
