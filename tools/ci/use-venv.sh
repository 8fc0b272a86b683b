# shellcheck shell=bash
# use-venv.sh BIN (sourced, not run)
# Puts the venv's BIN first on PATH, and keeps VIRTUAL_ENV only if it names that venv.
# Why: ansible-test runs `pythonX.Y` from PATH (--python X.Y), so the venv whose ansible-core is
# under test must come first; the Makefile exports the default venv as VIRTUAL_ENV.
export PATH="$1:$PATH"
if [ -n "${VIRTUAL_ENV:-}" ] && [ "$VIRTUAL_ENV/bin" != "$1" ]; then
  unset VIRTUAL_ENV
fi
