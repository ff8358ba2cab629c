#!/usr/bin/env bash
# Fails when the committed schema.graphql or the codegen output (the tests' and the console's typed
# operations, and the console's manifest of trusted documents) no longer matches the code.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent schema >/dev/null
npm run --silent codegen >/dev/null
# Untracked files count too: an operation added without committing its generated types is stale as well.
if ! git diff --exit-code -- schema.graphql test/generated/ src/generated/ || [ -n "$(git ls-files --others --exclude-standard -- test/generated/ src/generated/)" ]; then
  echo "schema.graphql, test/generated/ or src/generated/ is stale: run 'npm run schema && npm run codegen' and commit the result." >&2
  exit 1
fi
echo "generated files are current"
