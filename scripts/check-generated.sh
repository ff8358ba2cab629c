#!/usr/bin/env bash
# Fails when the committed schema.graphql or the codegen output no longer matches the code.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent schema >/dev/null
npm run --silent codegen >/dev/null
if ! git diff --exit-code -- schema.graphql test/generated/; then
  echo "schema.graphql or test/generated/ is stale: run 'npm run schema && npm run codegen' and commit the result." >&2
  exit 1
fi
echo "generated files are current"
