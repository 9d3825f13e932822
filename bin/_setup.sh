# Sourced by bin/run and bin/test: makes .venv with Python 3.11 and installs the
# dependencies listed in pyproject.toml (the "test" extra too when asked),
# skipping the install when nothing has changed since the last one.
set -euo pipefail

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "The portal needs Python 3.11; $PYTHON is $("$PYTHON" --version 2>&1)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi

extras=${1:-}
stamp=".venv/.installed-$(cat pyproject.toml | "$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])')${extras:+-$extras}"
if [ ! -f "$stamp" ]; then
  echo "Installing dependencies${extras:+ (with $extras)}"
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
  rm -f .venv/.installed-*
  touch "$stamp"
fi

export PATH="$PWD/.venv/bin:$PATH"
