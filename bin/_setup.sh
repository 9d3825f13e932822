# Sourced by bin/run and bin/test: makes .venv with Python 3.11 and installs the
# dependencies listed in pyproject.toml (the "test" extra too when asked),
# skipping the install when nothing has changed since the last one.
#
# One marker, .venv/.installed, records what the venv holds: a hash of
# pyproject.toml, the venv's Python version and the extras installed. Both
# scripts read it, so switching between bin/run and bin/test installs nothing.
# It is redone when pyproject.toml or the Python changes (keeping the extras
# already there) or when an extra not yet installed is asked for; a missing or
# non-3.11 venv is made afresh.
set -euo pipefail

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "The portal needs Python 3.11; $PYTHON is $("$PYTHON" --version 2>&1)." >&2
  exit 1
fi

if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv --clear .venv
fi

marker=.venv/.installed
installed_extras=$( (sed -n 's/^extras //p' "$marker" 2>/dev/null || true) | head -n 1)
# The extras already installed and the ones asked for, sorted, comma separated.
extras=$(echo "$installed_extras,${1:-}" | tr , '\n' | sed '/^$/d' | sort -u | paste -sd , -)
wanted=$(
  .venv/bin/python - "$extras" <<'PY'
import hashlib, platform, sys
with open("pyproject.toml", "rb") as pyproject:
    print("pyproject.toml", hashlib.sha256(pyproject.read()).hexdigest()[:16])
print("python", platform.python_version())
print("extras", sys.argv[1])
PY
)
if [ "$(cat "$marker" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing dependencies${extras:+ (with $extras)}"
  rm -f "$marker" .venv/.installed-*
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python - "$extras" <<'PY' > .venv/requirements.txt
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
requirements = list(project["dependencies"])
for extra in filter(None, sys.argv[1].split(",")):
    requirements += project["optional-dependencies"][extra]
print("\n".join(requirements))
PY
  .venv/bin/python -m pip install --quiet -r .venv/requirements.txt
  echo "$wanted" > "$marker"
fi

export PATH="$PWD/.venv/bin:$PATH"
