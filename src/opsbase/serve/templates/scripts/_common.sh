# Shared by the scripts in this folder (rendered by opsbase): find the project and its Python.
# PROJECT_DIR and PYTHON may be set by the caller; otherwise the project is this folder's parent
# and Python is the project's .venv, else python3.
PROJECT_DIR="${PROJECT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$PROJECT_DIR"
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
SERVICE="${SERVICE:-{{ service }}}"
have_systemd() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }
