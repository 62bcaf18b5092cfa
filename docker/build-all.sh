#!/usr/bin/env bash
# Builds and tags the job images and the operator's: dbrestore/<job>:<tag> and
# dbrestore/operator:<tag> (and :latest), optionally pushed.
#   docker/build-all.sh [--tag 0.1.0] [--registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com]
#                       [--rules-dir examples] [--platform linux/amd64] [--push]
set -euo pipefail
cd "$(dirname "$0")/.."

tag=$(sed -n "0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p" pom.xml)
registry=""
rules_dir=examples
platform=""
push=false
while (($#)); do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --registry) registry="$2/"; shift 2 ;;
    --rules-dir) rules_dir=$2; shift 2 ;;
    --platform) platform=$2; shift 2 ;;
    --push) push=true; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "build-all.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
command -v docker >/dev/null || { echo "build-all.sh: docker is not installed" >&2; exit 2; }

# The jobs: the first column of the one list of jobs; then the operator's command line, whose
# logs (SDK warnings on stderr) are for a person: text.
jobs=$(awk '!/^[[:space:]]*(#|$)/ { print $1 }' terraform/modules/pipeline/jobs.txt)
for job in $jobs operator; do
  image="${registry}dbrestore/${job}"
  log_format=json
  [[ $job == operator ]] && log_format=text
  echo "building ${image}:${tag}"
  DOCKER_BUILDKIT=1 docker build -f docker/Dockerfile \
    --build-arg JOB="$job" --build-arg RULES_DIR="$rules_dir" --build-arg LOG_FORMAT="$log_format" \
    ${platform:+--platform "$platform"} \
    -t "${image}:${tag}" -t "${image}:latest" .
  docker run --rm "${image}:${tag}" --version
  if $push; then
    docker push "${image}:${tag}"
    docker push "${image}:latest"
  fi
done
