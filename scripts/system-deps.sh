#!/usr/bin/env bash
# Installs the Debian packages ttm needs outside Python (Pango for WeasyPrint, fonts, poppler for
# PDF checks, Chromium for browser tests) when they are missing. Quiet when all are present.
set -euo pipefail
need=()
libs=$(ldconfig -p 2>/dev/null || true)  # read whole: grep -q in a pipe could SIGPIPE it
grep -q 'libpango-1.0.so' <<<"$libs" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ "${TTM_WITH_BROWSER:-0}" = 1 ] && ! [ -x /usr/bin/chromium ]; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${need[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
