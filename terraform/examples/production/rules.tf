# The masking rules outside the images: a versioned bucket the masking jobs read with
# `--rules s3://<bucket>/<key>` (docs/rules.md#rules-from-s3). A drift fix is then a reviewed
# upload of one file, not an image rebuild; every run records the object's version and the rules'
# SHA-256 in its result and on the masked snapshot (dbrestore:rules-version,
# dbrestore:rules-sha256). The jobs refuse an object without a version, so versioning stays on.
# With rules_bucket_name = null the rules are files in the images (/etc/dbrestore/rules/...).

resource "aws_s3_bucket" "rules" {
  count  = var.rules_bucket_name == null ? 0 : 1
  bucket = var.rules_bucket_name
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "rules" {
  count  = var.rules_bucket_name == null ? 0 : 1
  bucket = aws_s3_bucket.rules[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "rules" {
  count                   = var.rules_bucket_name == null ? 0 : 1
  bucket                  = aws_s3_bucket.rules[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "rules" {
  count  = var.rules_bucket_name == null ? 0 : 1
  bucket = aws_s3_bucket.rules[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
