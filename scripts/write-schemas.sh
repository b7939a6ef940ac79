#!/usr/bin/env bash
# Regenerates the published JSON Schemas from the built CLI (npm run schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
for name in dataset program-definition scored-program-definition scoring-records; do
  node bin/attain.js schema "$name" > "schemas/$name.schema.json"
done
