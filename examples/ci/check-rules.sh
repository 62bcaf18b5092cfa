#!/usr/bin/env bash
# check-rules.sh: fails when the database has a table or column the masking rules do not declare,
# and prints the YAML patch that declares it (each entry with a suggested strategy to review).
#
# Run it in the application's CI after its migrations ran against a scratch database: a pull
# request that adds a column then fails at review time, with the patch, instead of stopping the
# nightly masked copy. It reads the catalogue only (rules diff --schema-only): never a row.
#
# Environment:
#   DBRESTORE_JDBC_URL     the scratch database, e.g. jdbc:postgresql://localhost:5432/app
#                          (jdbc:mysql://… or jdbc:mariadb://… for the MySQL family)
#   DBRESTORE_RULES        the production rules file, e.g. dbrestore/rules.yaml
#   DBRESTORE_USER         the database user (optional)
#   DBRESTORE_DB_PASSWORD  its password (optional; read by dbrestore, never printed)
#   DBRESTORE_CMD          how to run dbrestore, e.g.
#                            "java -jar operator.jar"   (./dbrestore rules …, built from this repo)
#                            "docker run --rm --network host -e DBRESTORE_DB_PASSWORD
#                               -v $PWD:/work -w /work <dbrestore job image>"
#                          default: ./dbrestore (a checkout of dbrestore)
#   DBRESTORE_SCHEMAS      only these schemas, comma-separated (optional)
#   DBRESTORE_PATCH_FILE   where the patch is written (default dbrestore-rules.patch.yaml, in the
#                          current directory, which a container must see at the same path)
#   MIGRATE_COMMAND        the application's migrations, run first when set (optional)
#   GITHUB_STEP_SUMMARY    set by GitHub Actions: the patch is added to the job's summary
# Exit: 0 the rules declare every table and column; 3 something is undeclared (the patch is
# printed); anything else: dbrestore's exit code (2 invalid input, unreachable database…).
set -euo pipefail

: "${DBRESTORE_JDBC_URL:?set DBRESTORE_JDBC_URL to the scratch database (jdbc:postgresql://localhost:5432/app)}"
: "${DBRESTORE_RULES:?set DBRESTORE_RULES to the production rules file}"
cmd="${DBRESTORE_CMD:-./dbrestore}"
patch="${DBRESTORE_PATCH_FILE:-dbrestore-rules.patch.yaml}"

if [[ -n "${MIGRATE_COMMAND:-}" ]]; then
  echo "check-rules: running the migrations: $MIGRATE_COMMAND" >&2
  bash -c "$MIGRATE_COMMAND"
fi

args=(rules diff --schema-only --jdbc-url "$DBRESTORE_JDBC_URL" --rules "$DBRESTORE_RULES"
  --patch-file "$patch")
[[ -n "${DBRESTORE_USER:-}" ]] && args+=(--user "$DBRESTORE_USER")
[[ -n "${DBRESTORE_SCHEMAS:-}" ]] && args+=(--databases "$DBRESTORE_SCHEMAS")

rm -f "$patch"
status=0
# DBRESTORE_CMD may hold several words: split on purpose. Its stdout (the patch, or JSON from a
# job image) is not needed: the patch file holds the patch.
# shellcheck disable=SC2086
$cmd "${args[@]}" >/dev/null || status=$?

case "$status" in
  0)
    echo "check-rules: the masking rules declare every table and column of the migrated schema"
    ;;
  3)
    echo "check-rules: the masking rules do not declare everything the migrated schema holds."
    echo "Review this patch (each suggestion is marked '# review'), add it to $DBRESTORE_RULES"
    echo "(or run: dbrestore rules diff … --apply), and land it with this change:"
    echo
    cat "$patch"
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
      {
        echo "### Masking rules: undeclared tables or columns"
        echo
        echo "The nightly masked copy would refuse this schema. Review this patch and add it to"
        echo "\`$DBRESTORE_RULES\` (docs: dbrestore's docs/rules.md, \"Drift: from found to fixed\")."
        echo
        echo '```yaml'
        cat "$patch"
        echo '```'
      } >>"$GITHUB_STEP_SUMMARY"
    fi
    ;;
  *)
    echo "check-rules: dbrestore rules diff failed (exit $status); see its message above" >&2
    ;;
esac
exit "$status"
