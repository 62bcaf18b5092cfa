# The masking instance (an example). `mongo-mask-snapshot run` stops it, attaches the restored
# production copy at source_device and a new blank volume at published_device, starts it, reads
# the copy from mongod-source (27017), writes the masked documents into mongod-published (27018),
# drops every user of mongod-published, stops it and snapshots only the published volume.
#
# User data (cloud-init, first boot only) installs MongoDB and two systemd services that do their
# work on EVERY boot, since the job swaps the volumes while the instance is stopped:
#   mongod-source     the working copy at source_device, mounted at /var/lib/mongo-source, never
#                     formatted. Standalone: no --replSet even though a restored production volume
#                     carries its replica-set config (local.system.replset). With --replSet it
#                     would not find itself in that config (other host names), stay REMOVED or
#                     SECONDARY without a primary, refuse reads without secondaryOk, and send
#                     heartbeats to the production members named in it. Standalone, mongod warns
#                     about the config and serves reads. Authorization on: the production users on
#                     the copy (the job's --mongo-uri-secret user among them) apply.
#   mongod-published  published_device, formatted (XFS) only when it holds no filesystem and no
#                     partition table at all, mounted at /var/lib/mongo-published; standalone, port
#                     27018, bound to localhost and the private IP, authorization on. While it has
#                     no users, the localhost exception creates the copy user named in the
#                     published URI secret (the secret --published-uri-secret names); the job drops
#                     every user before the snapshot, so no credential crosses to development.

locals {
  masking_instance_tags = merge(local.tags, {
    Name = "dbrestore-masking"
    # The job may stop/start the instance and attach over it only with this tag.
    "dbrestore:managed" = "true"
  })
  masking_user_data = templatefile("${path.module}/templates/masking-instance.sh.tftpl", {
    region                    = var.region
    mongodb_version           = var.masking_instance.mongodb_version
    source_device             = var.masking_instance.source_device
    published_device          = var.masking_instance.published_device
    source_dbpath_dir         = var.masking_instance.source_dbpath_dir
    source_directory_per_db   = var.masking_instance.source_directory_per_db
    source_directory_for_idx  = var.masking_instance.source_directory_for_indexes
    source_recover_from_oplog = var.masking_instance.source_recover_from_oplog
    published_uri_secret_arn  = var.published_uri_secret_arn
  })
}

resource "aws_security_group" "masking_instance" {
  name        = "dbrestore-masking-instance"
  description = "dbrestore masking instance: mongod-source (27017) and mongod-published (27018), reachable only from the job tasks"
  vpc_id      = var.masking_instance.vpc_id
  tags        = merge(local.tags, { Name = "dbrestore-masking-instance" })
}

resource "aws_vpc_security_group_ingress_rule" "masking_mongod" {
  for_each = { for p in setproduct(var.task_security_group_ids, [27017, 27018]) : "${p[0]}-${p[1]}" => { sg = p[0], port = p[1] } }

  security_group_id            = aws_security_group.masking_instance.id
  description                  = each.value.port == 27017 ? "job tasks read the production copy (mongod-source)" : "job tasks write the masked copy (mongod-published)"
  referenced_security_group_id = each.value.sg
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  tags                         = local.tags
}

# HTTPS only: Secrets Manager (or its VPC endpoint) and the MongoDB/Amazon Linux package
# repositories at first boot.
resource "aws_vpc_security_group_egress_rule" "masking_https" {
  security_group_id = aws_security_group.masking_instance.id
  description       = "Secrets Manager and package repositories"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  tags              = local.tags
}

resource "aws_iam_role" "masking_instance" {
  name = "dbrestore-masking-instance"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = local.tags
}

# The boot script reads the copy user from the published URI secret; nothing else.
resource "aws_iam_role_policy" "masking_instance" {
  name = "read-copy-user-secret"
  role = aws_iam_role.masking_instance.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "CopyUserSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = [var.published_uri_secret_arn]
    }]
  })
}

resource "aws_iam_instance_profile" "masking_instance" {
  name = "dbrestore-masking-instance"
  role = aws_iam_role.masking_instance.name
  tags = local.tags
}

resource "aws_instance" "masking" {
  ami                    = var.masking_instance.ami_id
  instance_type          = var.masking_instance.instance_type
  subnet_id              = var.masking_instance.subnet_id
  vpc_security_group_ids = [aws_security_group.masking_instance.id]
  iam_instance_profile   = aws_iam_instance_profile.masking_instance.name
  user_data              = local.masking_user_data

  # IMDSv2 only: the boot script takes a token for the private IP.
  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  root_block_device {
    volume_size = var.masking_instance.root_volume_gib
    volume_type = "gp3"
    encrypted   = true
    tags        = local.tags
  }

  tags = local.masking_instance_tags

  lifecycle {
    # The job attaches and detaches the data volumes; Terraform owns only the root volume.
    ignore_changes = [ebs_block_device]
  }
}
