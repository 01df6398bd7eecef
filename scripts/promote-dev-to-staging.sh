#!/usr/bin/env bash
# Promotes every service's image tag from dev to staging (seed: ./promote-dev-to-staging.sh).
# Extra arguments pass through, e.g. --only catalogue,voting --dry-run --commit.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npm run --silent promote -- dev staging "$@"
