#!/usr/bin/env bash
# Two workbook servers sharing one PostgreSQL store behind nginx, on this machine: the
# deployment on several hosts, tried on one (see "Deploying" in the README).
#   PIM_WORKBOOK_DB=postgresql://user@host/db scripts/serve-behind-nginx.sh [PROXY [PORT1 PORT2]]
# Prints the proxy's address and each server's facilitator link, then runs until stopped
# (Ctrl-C or SIGTERM stops nginx and both servers). SERVE_OPTIONS adds options to both
# servers (e.g. "--pool-size 0"); nginx, its logs and its configuration live in a temporary
# folder named on the last line.
set -euo pipefail
proxy=${1:-8870}; one=${2:-8871}; two=${3:-8872}
python=${PYTHON:-python3}
case "${PIM_WORKBOOK_DB:-}" in
  postgresql://*|postgres://*) ;;
  *) echo "set PIM_WORKBOOK_DB to a postgresql:// address: servers share a PostgreSQL store" >&2
     exit 2 ;;
esac
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (Debian: apt-get install nginx)" >&2; exit 2; }
prefix=$(mktemp -d)
chmod 755 "$prefix"
pids=()
stop() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$prefix"
}
trap stop EXIT INT TERM
for port in "$one" "$two"; do
  # shellcheck disable=SC2086
  "$python" -m pim_workbook.cli serve --port "$port" --public-url "http://127.0.0.1:$proxy" \
    ${SERVE_OPTIONS:-} > "$prefix/serve-$port.log" 2>&1 &
  pids+=($!)
done
"$python" -m pim_workbook.cli proxy-config --server "127.0.0.1:$one" --server "127.0.0.1:$two" \
  --listen "127.0.0.1:$proxy" --prefix "$prefix" > "$prefix/nginx.conf"
for name in client_body proxy fastcgi uwsgi scgi; do
  mkdir -p "$prefix/$name"; chmod 777 "$prefix/$name"  # nginx's workers write here
done
"$nginx" -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off;" &
pids+=($!)
for port in "$one" "$two"; do
  until grep -q "Open the workbook at" "$prefix/serve-$port.log" 2>/dev/null; do
    if ! kill -0 "${pids[@]}" 2>/dev/null; then cat "$prefix"/serve-*.log >&2; exit 1; fi
    sleep 0.5
  done
  echo "server $port: $(grep -o 'http://[^ ]*' "$prefix/serve-$port.log" | head -1)"
done
echo "proxy: http://127.0.0.1:$proxy/"
echo "files: $prefix"
wait
