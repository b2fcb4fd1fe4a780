#!/usr/bin/env bash
# `npm run bench -- <name>`: the chat bench holds 20,000 idle sockets, one file descriptor each
# on both ends. The stack's processes inherit this shell's limits through the launcher, so the
# limit is raised here, before node starts: as far as the hard limit allows (root may raise that).
set -euo pipefail
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
exec node --import tsx "$(dirname "$0")/run.ts" "$@"
