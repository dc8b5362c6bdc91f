#!/bin/sh
# The image's entrypoint (installed as /usr/local/bin/cgp):
#   cgp serve              run the service named by SERVICE (gateway or a subgraph) on PORT
#   cgp migrate [NAME...]  apply the migrations of the named subgraphs (default: all seven, in order);
#                          each run holds a PostgreSQL advisory lock, so concurrent runs never race
#   cgp probe PATH         exit 0 when http://127.0.0.1:$PORT$PATH answers 2xx (container healthchecks)
#   cgp <anything else>    run it as a command (e.g. `cgp node -v`)
# APP_DIR is where the built workspace is (/app in the image).
set -eu

APP_DIR="${APP_DIR:-/app}"
SUBGRAPHS="district street community grid building party pairing"
cd "$APP_DIR"

is_subgraph() {
  for known in $SUBGRAPHS; do
    [ "$known" = "$1" ] && return 0
  done
  return 1
}

command="${1:-serve}"
[ $# -gt 0 ] && shift

case "$command" in
  serve)
    service="${SERVICE:-gateway}"
    if [ "$service" = gateway ]; then
      exec node gateway/dist/main.js
    elif is_subgraph "$service"; then
      exec node "subgraphs/$service/dist/main.js"
    fi
    echo "cgp: unknown SERVICE '$service' (gateway, $SUBGRAPHS)" >&2
    exit 2
    ;;
  migrate)
    names="${*:-$SUBGRAPHS}"
    for name in $names; do
      if ! is_subgraph "$name"; then
        echo "cgp: unknown subgraph '$name' ($SUBGRAPHS)" >&2
        exit 2
      fi
    done
    for name in $names; do
      node "subgraphs/$name/dist/main.js" migrate
    done
    ;;
  probe)
    exec node -e '
      const url = `http://127.0.0.1:${process.env.PORT ?? 4000}${process.argv[1] ?? "/health"}`;
      fetch(url, { signal: AbortSignal.timeout(3000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    ' "${1:-/health}"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
