#!/usr/bin/env bash
# `pnpm bench`: raise the open-file limit for the SSE fan-out (10,000 streams = 10,000 sockets on
# each side), then run every benchmark. The hard limit is as far as it can go
# without privileges; the fan-out checks that it suffices.
set -euo pipefail
cd "$(dirname "$0")"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p .tmp
# The workspace packages resolve to their TypeScript sources (see CONTRIBUTING.md).
export NODE_OPTIONS="--conditions=@qfpay-checkout/source${NODE_OPTIONS:+ $NODE_OPTIONS}"
exec node --import tsx src/main.ts "$@"
