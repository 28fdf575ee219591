#!/usr/bin/env bash
# The pull-request half of the review loop (mailshift-plan.yml runs it on every pull request that
# touches migrations/). For each manifest given: validate it, ask the runbook which phase is next
# (`mailshift status --format json`), plan that phase, and add the plan's markdown to the comment
# file a reviewer reads. The plan files land in plans/ next to each manifest, for the workflow to
# commit to the pull request: after merge, mailshift-apply.yml applies exactly those files.
# GitHub refuses comments over 65,536 characters: each plan's comment gets its share of
# MAX_COMMENT_CHARS (totals, warnings and deletions always; then the riskiest, largest accounts),
# and every account's table goes to TABLES_DIR, which the workflow uploads as an artifact.
#
#   MAILSHIFT          how to run mailshift (default: npx --no-install mailshift)
#   COMMENT_FILE       where the markdown goes (default: mailshift-plan-comment.md)
#   TABLES_DIR         where the full tables go, one <manifest>.<phase>.md per plan
#                      (default: mailshift-plan-tables)
#   MAX_COMMENT_CHARS  the whole comment's budget (default 60000, room left for the workflow's header)
# Exit code: 0 when every manifest is valid and planned (changes or not), 1 otherwise.
set -uo pipefail

mailshift=(${MAILSHIFT:-npx --no-install mailshift})
comment=${COMMENT_FILE:-mailshift-plan-comment.md}
tables=${TABLES_DIR:-mailshift-plan-tables}
max_chars=${MAX_COMMENT_CHARS:-60000}
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

# The default plan file of a phase, as `mailshift status --format json` on stdin names it.
phase_plan_path() {
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const phase = JSON.parse(s).phases.find((p) => p.name === process.argv[1]);
    process.stdout.write(phase?.plan?.path ?? "");
  })' "$1"
}

# Cut the comment file to the budget, should the lines around the plans (a long validation error,
# many manifests) have pushed it over: GitHub would refuse all of it.
cap_comment() {
  node -e 'const fs = require("node:fs");
    const [file, max] = [process.argv[1], Number(process.argv[2])];
    const chars = Array.from(fs.readFileSync(file, "utf8"));
    if (chars.length <= max) process.exit(0);
    const note = `\n\n… cut: the comment passed ${max} characters. Every plan is whole in the full tables (the workflow artifact).\n`;
    fs.writeFileSync(file, chars.slice(0, max - note.length).join("") + note);' "$1" "$2"
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
  "${mailshift[@]}" plan "$manifest" --phase "$phase" --format markdown --max-chars "$share" --detailed-exitcode \
    --no-color >"$scratch/plan.md" 2>"$scratch/out"
  local planned=$?
  local plan_file
  plan_file=$(phase_plan_path "$phase" <"$scratch/status.json")
  if [[ ($planned -eq 0 || $planned -eq 2) && -n $plan_file ]]; then
    mkdir -p "$tables"
    "${mailshift[@]}" show "$plan_file" --format markdown --full >"$tables/$(basename "$manifest").$phase.md" ||
      echo "(The full tables of this plan could not be written; the job log says why.)"
  fi
  case $planned in
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

# Each plan's share of the budget, less room for this script's own lines around it.
share=$(( max_chars / ($# > 0 ? $# : 1) - 600 ))
(( share < 2000 )) && share=2000
: >"$comment"
for manifest in "$@"; do
  plan_manifest "$manifest" >>"$comment" || failed=1
  echo >>"$comment"
done
cap_comment "$comment" "$max_chars"
exit $failed
