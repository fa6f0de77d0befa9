# Shared by scripts/run and scripts/test: find Python 3.13 or 3.12 and prepare .venv.
# Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
    local candidate
    for candidate in python3.13 python3.12; do
        # pyenv installs shims that exist on PATH but fail when the version is not
        # selected, so a candidate counts only if it actually runs.
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' >/dev/null 2>&1; then
            command -v "$candidate"; return 0
        fi
    done
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 \
                     "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 \
                     /usr/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.13 /usr/local/bin/python3.12; do
        if [ -x "$candidate" ] && "$candidate" -c 'import sys' >/dev/null 2>&1; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    if ! PYTHON="$(find_python)"; then
        echo "courtvcs needs Python 3.13 (or 3.12), and neither was found." >&2
        echo "Install python3.13 (for example: apt-get install python3.13-venv, or pyenv install 3.13) and run this again." >&2
        exit 1
    fi
    echo "Creating the virtual environment in .venv with $PYTHON"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi
# Install only when requirements.txt changed since the last install.
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$WANT" > "$STAMP"
fi
PY="$VENV/bin/python"
export DJANGO_SETTINGS_MODULE=courtvcs.settings
