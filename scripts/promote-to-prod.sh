#!/usr/bin/env bash
# Promotes staging to prod (seed: ./scripts/promote-to-prod.sh). Prod requires approval: answer
# yes on a terminal or pass --approve; --commit also creates the annotated release tag. Prod takes
# only versions verified in staging after their soak (npm run verify -- staging), unless
# --skip-verification --reason "..." (recorded in releases/verified.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
exec npm run --silent promote -- staging prod "$@"
