#!/usr/bin/env bash
# Generates the code of proto/ into <output> (default: the repository root): TypeScript into
# packages/contracts/src/gen (proto/buf.gen.yaml) and Go into services/search/gen
# (proto/buf.gen.go.yaml). `npm run generate -w @soulchat/contracts` runs it; so does
# tests/contracts/proto.test.ts, into a temporary folder, to check the committed code is current.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
output=$(cd "${1:-$root}" && pwd)
if [[ ! -x $PROTOC_GEN_GO_BIN ]]; then
  echo "protoc-gen-go $PROTOC_GEN_GO_VERSION is missing ($PROTOC_GEN_GO_BIN): run 'npm run setup'" >&2
  exit 1
fi
# buf finds protoc-gen-es in node_modules/.bin and protoc-gen-go in its cache folder.
export PATH="$root/node_modules/.bin:$(dirname "$PROTOC_GEN_GO_BIN"):$PATH"
cd "$root"
buf generate proto --template proto/buf.gen.yaml --output "$output"
# Go: only the packages the search service reads, so a change to another service's contract
# does not change (and rebuild) the search binary.
buf generate proto --template proto/buf.gen.go.yaml --output "$output" \
  --path proto/soulchat/events --path proto/soulchat/chat
