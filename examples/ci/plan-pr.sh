#!/usr/bin/env bash
# The pull-request half of the review loop (mailshift-plan.yml runs it on every pull request that
# touches migrations/). For each manifest given: validate it, ask the runbook which phase is next
# (`mailshift status --format json`), plan that phase, and add the plan's markdown to the comment
# file a reviewer reads. The plan files land in plans/ next to each manifest, for the workflow to
# commit to the pull request: after merge, mailshift-apply.yml applies exactly those files.
#
#   MAILSHIFT     how to run mailshift (default: npx --no-install mailshift)
#   COMMENT_FILE  where the markdown goes (default: mailshift-plan-comment.md)
# Exit code: 0 when every manifest is valid and planned (changes or not), 1 otherwise.
set -uo pipefail

mailshift=(${MAILSHIFT:-npx --no-install mailshift})
comment=${COMMENT_FILE:-mailshift-plan-comment.md}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0

# One field of a JSON document on stdin, e.g. `json_field next.phase` (empty when absent).
json_field() {
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const v = process.argv[1].split(".").reduce((o, k) => (o == null ? o : o[k]), JSON.parse(s));
    process.stdout.write(v == null ? "" : String(v));
  })' "$1"
}

fenced() {
  echo '```'
  cat "$1"
  echo '```'
}

plan_manifest() {
  local manifest=$1
  echo "## mailshift: \`$manifest\`"
  echo
  if ! "${mailshift[@]}" validate --no-color "$manifest" >"$scratch/out" 2>&1; then
    echo "**The manifest is not valid**, so nothing was planned:"
    fenced "$scratch/out"
    return 1
  fi
  if ! "${mailshift[@]}" status "$manifest" --format json >"$scratch/status.json" 2>"$scratch/out"; then
    echo "**\`mailshift status\` failed:**"
    fenced "$scratch/out"
    return 1
  fi
  local action phase why
  action=$(json_field next.action <"$scratch/status.json")
  phase=$(json_field next.phase <"$scratch/status.json")
  why=$(json_field next.why <"$scratch/status.json")
  case $action in
    '')
      echo "The runbook is complete: every phase is applied or gated. Nothing to plan."
      return 0 ;;
    gate)
      echo "The runbook waits for the manual phase **$phase**: $why"
      echo
      echo "Once it is done, record it with \`mailshift gate $manifest $phase --note \"…\"\` (and commit the audit log); nothing is planned until then."
      return 0 ;;
  esac
  "${mailshift[@]}" plan "$manifest" --phase "$phase" --format markdown --detailed-exitcode --no-color >"$scratch/plan.md" 2>"$scratch/out"
  case $? in
    0)
      echo "Phase **$phase**: no changes. The servers already match what this phase would do."
      echo
      cat "$scratch/plan.md" ;;
    2)
      echo "Phase **$phase** is next ($why). Review the plan below; merging this pull request applies exactly this plan file."
      echo
      cat "$scratch/plan.md" ;;
    *)
      echo "**Planning phase $phase failed:**"
      fenced "$scratch/out"
      return 1 ;;
  esac
}

: >"$comment"
for manifest in "$@"; do
  plan_manifest "$manifest" >>"$comment" || failed=1
  echo >>"$comment"
done
exit $failed
