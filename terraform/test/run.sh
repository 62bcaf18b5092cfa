#!/usr/bin/env bash
# Offline checks of everything under terraform/: formatting, init + validate of every module and
# example, `terraform test` (mocked AWS provider), the rendered state machines through
# asl-validator and aws-local-stepfunctions, the Sentry rules' input transformers on AWS's sample
# events. Rendered definitions land in
# terraform/build/rendered/ for the contract test (deploy-tests).
#
# Uses a local filesystem mirror of the hashicorp/aws provider when the machine has one
# (DBRESTORE_TF_MIRROR, or a registry.terraform.io/hashicorp/aws tree under the usual places),
# the public registry otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
TF_ROOT=$(pwd)
BUILD="$TF_ROOT/build"
RENDERED="$BUILD/rendered"

missing=()
command -v terraform >/dev/null 2>&1 || missing+=(terraform)
command -v node >/dev/null 2>&1 || missing+=(node)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "SKIPPED: terraform/test/run.sh needs ${missing[*]} on the PATH (.ci/run installs them); the Terraform and state-machine checks did not run." >&2
  exit 0
fi

rm -rf "$RENDERED"
mkdir -p "$RENDERED"

# --- provider: local mirror when present -----------------------------------------------------
find_mirror() {
  local candidates=(
    "${DBRESTORE_TF_MIRROR:-}"
    /opt/tf-plugins
    /usr/local/share/terraform/plugins
    /usr/share/terraform/plugins
    "$HOME/.terraform.d/plugins"
    "$HOME/.local/share/terraform/plugins"
  )
  local dir
  for dir in "${candidates[@]}"; do
    [[ -n "$dir" && -d "$dir/registry.terraform.io/hashicorp/aws" ]] && { echo "$dir"; return; }
  done
}
CLI_CONFIG="$BUILD/terraform.rc"
mirror=$(find_mirror || true)
if [[ -n "$mirror" ]]; then
  echo "terraform: hashicorp/aws from the local mirror $mirror"
  cat >"$CLI_CONFIG" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
else
  echo "terraform: no local provider mirror; hashicorp/aws from the registry"
  : >"$CLI_CONFIG"
fi
export TF_CLI_CONFIG_FILE="$CLI_CONFIG"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TF_PLUGIN_CACHE_DIR="$BUILD/plugin-cache"
mkdir -p "$TF_PLUGIN_CACHE_DIR"
terraform version | sed -n 1p

failures=0
fail() { echo "FAILED: $*" >&2; failures=$((failures + 1)); }

# --- fmt, init, validate ---------------------------------------------------------------------
echo "terraform fmt -check"
terraform fmt -check -recursive -diff modules examples >/dev/null || { terraform fmt -check -recursive -diff modules examples || true; fail "terraform fmt (run: terraform fmt -recursive terraform)"; }

for dir in modules/* examples/*; do
  if ! out=$(cd "$dir" && terraform init -backend=false -no-color 2>&1); then
    echo "$out" >&2; fail "terraform init in $dir"; continue
  fi
  if out=$(cd "$dir" && terraform validate -no-color 2>&1); then
    echo "  validate $dir: ok"
  else
    echo "$out" >&2; fail "terraform validate in $dir"
  fi
done

# --- terraform test: assertions, and the rendered definitions --------------------------------
for dir in examples/* modules/*; do
  [[ -d "$dir/tests" ]] || continue
  name=$(basename "$dir")
  echo "terraform test in $dir"
  if [[ "$dir" == examples/* ]]; then
    (cd "$dir" && terraform test -json -verbose -no-color 2>&1) | node test/extract-rendered.mjs "$RENDERED" "$name" || fail "terraform test in $dir"
  else
    (cd "$dir" && terraform test -no-color) || fail "terraform test in $dir"
  fi
done

# --- the state machines: asl-validator and aws-local-stepfunctions ---------------------------
cd "$TF_ROOT/test"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error --engine-strict=false
fi
node --import ./polyfill.mjs --test --test-reporter=spec state-machines.test.mjs || fail "state-machine tests"
# The monitoring module's EventBridge rules to Sentry: patterns and input transformers applied to
# AWS's sample events (terraform/build/rendered/sentry/, from the examples' render runs).
node --import ./polyfill.mjs --test --test-reporter=spec sentry-events.test.mjs || fail "Sentry event tests"

if ((failures)); then
  echo "terraform/test/run.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "terraform/test/run.sh: all checks passed; rendered definitions in terraform/build/rendered/"
