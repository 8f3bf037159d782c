#!/usr/bin/env bash
# Installs what AURA needs from the system, when it is missing:
#   chromium   Debian's Chromium (brings SwiftShader, WebGPU on the CPU) for the app, e2e tests, benches
#   libvulkan1 the Vulkan loader, so Dawn (the `webgpu` package) finds SwiftShader in Node
#   nginx      the load balancer and content-addressed L3 store of the edge scale tests (WebDAV PUT),
#              libnginx-mod-http-js its njs module (checks an upload's SHA-256)
#   prometheus promtool (metric-name checks) and the Prometheus server the scale tests scrape nodes with
#   redis-server  the edge memory's shared hot tier (tests start it on loopback ports, LFU eviction)
#   nats-server   the event stream (NATS with JetStream; tests start it on loopback ports)
#   postgresql-15 the shared durable store (tests start their own cluster with initdb/pg_ctl)
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ldconfig -p 2>/dev/null | grep 'libvulkan.so.1' >/dev/null || missing+=(libvulkan1)  # no grep -q: SIGPIPE under pipefail
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ] || missing+=(libnginx-mod-http-js)  # njs: checks a blob PUT's SHA-256
[ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ] || missing+=(prometheus)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ] || missing+=(nats-server)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ensure-system: installing ${missing[*]} with apt-get" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system: apt-get not found. Install ${missing[*]} yourself (Debian/Ubuntu packages of those names;" >&2
  echo "  elsewhere any Chromium ≥ 113 at \$AURA_CHROMIUM, a Vulkan loader, nginx with the http_dav module, Prometheus ≥ 2 with promtool," >&2
  echo "  Redis ≥ 7 (redis-server), nats-server ≥ 2.9 (JetStream), PostgreSQL 15 (initdb, pg_ctl))." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-system: not root and no password-less sudo. Run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# The packages' services are not started: the tests start nginx, Prometheus, Redis, NATS and PostgreSQL
# themselves, on loopback ports.
$SUDO apt-get install -y -q "${missing[@]}" >&2
