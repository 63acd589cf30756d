#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine:
# Debian's Chromium (browser tests), fonts (Noto for Arabic), poppler-utils, PostgreSQL (the
# store's tests start a throw-away cluster), nginx (two servers behind one address), npm (the
# pages' front end is rebuilt from frontend/ and compared with the shipped one); the package
# with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null \
    || ! fc-list :lang=ar family | grep -q "Noto Naskh Arabic" \
    || ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
    || [ ! -x /usr/sbin/nginx ] || ! command -v npm >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    chromium fonts-dejavu-core fonts-noto-core poppler-utils postgresql nginx-light \
    $(command -v npm >/dev/null || echo npm) >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
