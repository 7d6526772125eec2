#!/usr/bin/env bash
# Writes a complete static site to dist/ (relative URLs only: host it anywhere, under any sub-path).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
mkdir -p dist
cp -r www/index.html www/favicon.svg www/main.js www/worker.js www/pool.js www/part-worker.js www/protocol.js www/teach-set.js \
  www/engine-build.js www/style.css www/panels www/pkg www/data dist/
rm -f dist/pkg/.gitignore
echo "dist/: $(find dist -type f | wc -l) files, $(du -sh dist | cut -f1)" >&2
