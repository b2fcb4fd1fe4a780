#!/usr/bin/env bash
# `npm run tilt -- <args>` and `npm run helm -- <args>`: the pinned, cached binary that setup
# built (setup runs first, building it if missing), with the arguments as given.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
tool=${1:?usage: run-tool.sh tilt|helm [args...]}
shift
case $tool in
tilt) exec "$TILT_BIN" "$@" ;;
helm) exec "$HELM_BIN" "$@" ;;
*) echo "unknown tool $tool (known: tilt, helm)" >&2; exit 2 ;;
esac
