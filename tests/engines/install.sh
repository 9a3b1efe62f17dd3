#!/usr/bin/env bash
# Installs the local engines the warehouse suites start (tests/engines/*/server.py):
# PostgreSQL from Debian's packages, and each emulator in a virtualenv of its own under $1, since
# they pin duckdb and sqlglot versions the project's environment cannot share.
set -euo pipefail
engines_dir=${1:?usage: install.sh ENGINES_DIR}
python=${PYTHON:-python3}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo -n"; fi
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

install_engine() {  # name, pip requirements
    local venv="$engines_dir/$1"
    shift
    if [ ! -x "$venv/bin/python" ]; then
        "$python" -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
}
# fakesnow 0.12.1 imports snowflake.connector.converter, which connector 5 no longer has.
install_engine fakesnow "fakesnow[server]==0.12.1" "snowflake-connector-python>=4.8,<5"
install_engine crucible "crucible-emulator[server]==0.1.0a2"
install_engine moto "moto[server]==5.2.5"
install_engine gcs "gcp-storage-emulator==2026.7.19"
