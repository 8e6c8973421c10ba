#!/usr/bin/env bash
# Build the wheel, install it (not editable) into a fresh virtual environment, and run the two main
# jobs from a folder outside the checkout: a draft of the seed PDF and tagging corpus/ into an archive.
# Catches what an editable install hides (package data missing from the wheel, paths into the source
# tree). Usage: .ci/wheel-check.sh (from anywhere); exit status non-zero on any failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip wheel -q --no-deps -w "$work/dist" "$repo" 2>&1 | grep -v "^WARNING: Location" || true
wheel=$(ls "$work"/dist/minutebook-*.whl)
unzip -l "$wheel" | grep -q "pipeline/models/themes.toml" || { echo "wheel-check: models/ is missing from $wheel"; exit 1; }
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel" 2>&1 | grep -v "^WARNING: Location" || true
cd "$work"  # outside the checkout: nothing can be read from the source tree by accident
"$work/venv/bin/python" -c "import pipeline, sys; assert 'site-packages' in pipeline.__file__, pipeline.__file__"
"$work/venv/bin/minutebook" summarise "$repo/corpus/seed/seed-minutes.pdf" -o draft.md --quiet
grep -q "^# " draft.md && grep -qi "actions" draft.md
"$work/venv/bin/minutebook" tag "$repo/corpus" --db archive.db --quiet
"$work/venv/bin/minutebook" search "library" --db archive.db --limit 3 --format json | "$work/venv/bin/python" -c \
  "import json, sys; hits = json.load(sys.stdin); assert hits, 'no search hits'; print(f'wheel-check: {len(hits)} hits')"
echo "wheel-check: ok ($(basename "$wheel"))"
