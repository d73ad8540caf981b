#!/usr/bin/env bash
# Sets up a machine for tdm-litellm and its tests: system packages
# (git, Python 3, PostgreSQL), uv, the Node packages, the build, and the
# `tdm-litellm` command on PATH. Safe to run again; it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
have_uv() { have uv || python3 -m uv --version >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
have git || missing+=(git)
have python3 || missing+=(python3 python3-venv python3-pip)
if ! have initdb && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! have_uv; then
  # Into the interpreter's own scripts directory, which is on PATH; where the
  # system Python refuses (PEP 668), into the user's, with a note.
  echo "setup: installing uv from PyPI"
  if ! python3 -m pip install --quiet uv 2>/dev/null; then
    python3 -m pip install --quiet --user --break-system-packages uv
  fi
  hash -r
  if ! have uv && have pyenv; then pyenv rehash; fi
  if ! have uv; then
    echo "setup: uv is in $(python3 -m site --user-base)/bin; add that to PATH" \
      "(tdm-litellm also installs its own copy when it needs one)"
  fi
fi

npm ci --no-audit --no-fund
npm run build
npm link --no-audit --no-fund >/dev/null
echo "setup: done; \`tdm-litellm --help\` lists the commands"
