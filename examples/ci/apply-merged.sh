#!/usr/bin/env bash
# The merge half of the review loop (mailshift-apply.yml runs it on the main branch): apply each
# reviewed plan file given, in order, exactly as it was merged. mailshift refuses a plan whose
# manifest changed since it was made, and a phase whose required phases are not applied or gated;
# re-running the same plan after a failure or a cancelled job finishes the work without duplicates
# (the journal lives in MAILSHIFT_STATE_DIR, which must survive between runs).
#
#   MAILSHIFT            how to run mailshift (default: npx --no-install mailshift)
#   MAILSHIFT_STATE_DIR  the state folder (journal, UID maps, lock); default: .mailshift next to each manifest
# Exit code: 0 when every plan applied cleanly, 1 when any failed (the audit log says which action).
set -uo pipefail

mailshift=(${MAILSHIFT:-npx --no-install mailshift})
state=()
if [ -n "${MAILSHIFT_STATE_DIR:-}" ]; then state=(--state-dir "$MAILSHIFT_STATE_DIR"); fi
failed=0

for plan in "$@"; do
  echo "::group::mailshift apply $plan"
  "${mailshift[@]}" apply "$plan" "${state[@]}" || failed=1
  echo "::endgroup::"
done
exit $failed
