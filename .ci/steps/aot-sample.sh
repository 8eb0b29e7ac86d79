#!/usr/bin/env bash
# Native AOT: publishes the web sample (samples/TokenSdk.Samples.WebApi) with PublishAot for linux-x64, failing on any
# warning (trim, AOT, single-file or compiler), then starts the native binary on a free loopback port with a file store
# in a temporary directory and talks to it as a person and a client would: health, the bootstrap administrator token it
# wrote, the management API (list, roles, create, refused, invalid), the new token verified on the API, the sign-in
# page and the token management page, deletion, rejection. Fails loudly on the first thing that is wrong.
#
#   bash .ci/steps/aot-sample.sh            # from anywhere in the repository
#   TOKENSDK_AOT_KEEP=1 ...                 # keep the build, the binary and the server's log under artifacts/aot-sample
#   TOKENSDK_AOT_REUSE=1 ...                # smoke-test the binary an earlier run kept, without publishing again
#
# Needs the .NET 10 SDK; the native toolchain (clang, zlib1g-dev) is installed from Debian packages when missing.
# The build goes to artifacts/aot-sample (its own bin/obj), so the normal (JIT) build's output is left untouched.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

started=$SECONDS
phase_started=$SECONDS
step() { printf '\n=== %s ===\n' "$*"; phase_started=$SECONDS; }
took() { printf '(%s: %ss; %ss in all)\n' "$1" "$((SECONDS - phase_started))" "$((SECONDS - started))"; }
fail() { printf 'AOT sample failed: %s\n' "$*" >&2; exit 1; }

out=artifacts/aot-sample
build_dir=$out/build
publish_dir=$out/publish
binary=$publish_dir/TokenSdk.Samples.WebApi

step "native toolchain (clang, zlib)"
missing=()
command -v clang > /dev/null || missing+=(clang)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null; } \
    || fail "the native toolchain (${missing[*]}) is needed for Native AOT and could not be installed"
fi
command -v curl > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl > /dev/null; } \
  || fail "curl is needed for the smoke test"
echo "$(clang --version | head -n 1)"
took "toolchain"

if [ "${TOKENSDK_AOT_REUSE:-}" = 1 ] && [ -x "$binary" ]; then
  echo "reusing $binary (TOKENSDK_AOT_REUSE=1): not published again"
else
  step "publish (Native AOT, linux-x64, warnings as errors)"
  rm -rf "$out" && mkdir -p "$out"
  # TrimmerSingleWarn=false: every trim/AOT warning on its own, not one summary line per assembly.
  if ! dotnet publish samples/TokenSdk.Samples.WebApi/TokenSdk.Samples.WebApi.csproj -c Release -r linux-x64 \
      -p:PublishAot=true -p:TrimmerSingleWarn=false -warnaserror \
      --artifacts-path "$build_dir" -o "$publish_dir" > "$out/publish.log" 2>&1; then
    grep -E ': (warning|error) ' "$out/publish.log" | sed 's/ \[[^]]*\]$//' | sort -u >&2 || cat "$out/publish.log" >&2
    fail "Native AOT publish (the warnings and errors above; the full log is $out/publish.log)"
  fi
  # -warnaserror already turned every warning into an error; a warning that still got through fails here.
  if grep -qE ': warning ' "$out/publish.log"; then
    grep -E ': warning ' "$out/publish.log" | sed 's/ \[[^]]*\]$//' | sort -u >&2
    fail "Native AOT publish warned (above)"
  fi
  [ -x "$binary" ] || fail "no native binary at $binary"
  echo "native binary: $binary ($(( $(stat -c %s "$binary") / 1024 / 1024 )) MiB), 0 warnings"
  took "publish"
fi

step "smoke test (the native binary on a free loopback port, file store in a temporary directory)"
run=$(mktemp -d)
server_pid=""
stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2> /dev/null; then
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
  fi
  if [ "${TOKENSDK_AOT_KEEP:-}" = 1 ] && [ -f "$run/server.log" ]; then cp "$run/server.log" "$out/server.log"; fi
  rm -rf "$run"
  [ "${TOKENSDK_AOT_KEEP:-}" = 1 ] || rm -rf "$build_dir"
}
trap stop EXIT
trap 'exit 130' INT TERM
smoke_fail() {
  printf '%s\n--- server output ---\n' "$*" >&2
  cat "$run/server.log" >&2 2> /dev/null || true
  fail "smoke test: $*"
}

# start_server LOG VARIABLE=VALUE...: the native binary itself, as the JIT CI step runs the built dll: port 0 (a free
# one, read from its log), the content root its own directory (appsettings.json). Sets server_pid and base.
start_server() {
  local log=$1
  shift
  (cd "$publish_dir" && exec env -u TOKENSDK_POSTGRES -u TOKENSDK_STORE "$@" ASPNETCORE_URLS="http://127.0.0.1:0" \
    ./TokenSdk.Samples.WebApi > "$log" 2>&1) &
  server_pid=$!
  base=""
  local waited=$SECONDS
  for _ in $(seq 1 300); do
    kill -0 "$server_pid" 2> /dev/null || smoke_fail "the sample exited at start"
    base=$(sed -n 's/.*Now listening on: \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$base" ] && curl -sf --max-time 5 "$base/healthz" > /dev/null && break
    base=""
    sleep 0.2
  done
  [ -n "$base" ] || smoke_fail "the sample did not answer /healthz within 60 s"
  echo "listening on $base after $((SECONDS - waited))s"
}
stop_server() {
  kill "$server_pid" 2> /dev/null; wait "$server_pid" 2> /dev/null || true
  server_pid=""
}

start_server "$run/server.log" TOKENSDK_STORE="$run/store" TOKENSDK_BOOTSTRAP_FILE="$run/store/bootstrap-token.json"

json() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n 1; }
# check NAME EXPECTED_STATUS [curl arguments...]: the body goes to $run/body, the status must match.
check() {
  local name=$1 expected=$2 status
  shift 2
  status=$(curl -s -o "$run/body" -w '%{http_code}' --max-time 10 "$@") || status="no answer"
  [ "$status" = "$expected" ] || smoke_fail "$name: HTTP $status, expected $expected; body: $(head -c 500 "$run/body" 2> /dev/null)"
  printf '  %-62s %s\n' "$name" "$status"
}
body_has() { grep -qF -- "$2" "$run/body" || smoke_fail "$1: the body lacks $2: $(head -c 500 "$run/body")"; }

check "GET /healthz" 200 "$base/healthz"
body_has "GET /healthz" "Healthy"
check "GET / (anonymous, the sample's own JSON)" 200 "$base/"
body_has "GET /" '"management":"/v2/clientIdSecrets"'

[ -f "$run/store/bootstrap-token.json" ] || smoke_fail "no bootstrap token file"
admin=$(json token < "$run/store/bootstrap-token.json")
[ -n "$admin" ] || smoke_fail "the bootstrap token file holds no token"
grep -qF "$run/store/bootstrap-token.json" "$run/server.log" || smoke_fail "the sample did not print the bootstrap file's path"
auth=(-H "Authorization: Bearer $admin")

check "GET /v2/clientIdSecrets (bootstrap administrator)" 200 "${auth[@]}" "$base/v2/clientIdSecrets"
body_has "GET /v2/clientIdSecrets" '"clients"'
check "GET /v2/roles" 200 "${auth[@]}" "$base/v2/roles"
body_has "GET /v2/roles" 'read-only-user'
check "POST /v2/clientIdSecrets (an unknown role: problem details)" 400 "${auth[@]}" -X POST \
  -H 'Content-Type: application/json' -d '{"roles":["no-such-role"]}' "$base/v2/clientIdSecrets"
check "POST /v2/clientIdSecrets (read-only-user)" 200 "${auth[@]}" -X POST \
  -H 'Content-Type: application/json' -d '{"roles":["read-only-user"],"description":"aot smoke"}' "$base/v2/clientIdSecrets"
token=$(json token < "$run/body"); client=$(json clientId < "$run/body")
[ -n "$token" ] && [ -n "$client" ] || smoke_fail "the created token's details are missing: $(head -c 500 "$run/body")"

check "GET /data (the new token, Bearer)" 200 -H "Authorization: Bearer $token" "$base/data"
body_has "GET /data" "\"caller\":\"$client\""
check "GET /data (the new token, X-Cassandra-Token)" 200 -H "X-Cassandra-Token: $token" "$base/data"
check "GET /orders (the new token)" 200 -H "Authorization: Bearer $token" "$base/orders"
check "GET /billing (read-only-user: forbidden)" 403 -H "Authorization: Bearer $token" "$base/billing"
check "GET /v2/clientIdSecrets (read-only-user: forbidden)" 403 -H "Authorization: Bearer $token" "$base/v2/clientIdSecrets"
check "POST /admin/keyspaces/k1 (administrator)" 201 "${auth[@]}" -X POST "$base/admin/keyspaces/k1"
body_has "POST /admin/keyspaces/k1" '"keyspace":"k1"'
check "GET /data (no token)" 401 "$base/data"

# A person: the sign-in page (antiforgery), signing in with the bootstrap token, the token management page.
jar=(-b "$run/cookies" -c "$run/cookies")
check "GET /signin" 200 "${jar[@]}" "$base/signin"
field=$(sed -n 's/.*<input type="hidden" name="\([^"]*\)" value="\([^"]*\)">.*/\1/p' "$run/body")
value=$(sed -n 's/.*<input type="hidden" name="\([^"]*\)" value="\([^"]*\)">.*/\2/p' "$run/body")
[ -n "$field" ] && [ -n "$value" ] || smoke_fail "the sign-in page has no antiforgery field"
check "POST /signin (bootstrap token)" 302 "${jar[@]}" --data-urlencode "$field=$value" --data-urlencode "token=$admin" "$base/signin"
check "GET /settings/tokens (signed in)" 200 "${jar[@]}" "$base/settings/tokens"
body_has "GET /settings/tokens" "<html"
check "GET /settings/tokens/context (the page's JSON)" 200 "${jar[@]}" "$base/settings/tokens/context"
body_has "GET /settings/tokens/context" '"canWrite":true'
check "GET /settings/tokens/assets/app.js" 200 "${jar[@]}" "$base/settings/tokens/assets/app.js"

check "DELETE /v2/clientIdSecrets/{clientId}" 204 "${auth[@]}" -X DELETE "$base/v2/clientIdSecrets/$client"
check "GET /data (the deleted token)" 401 -H "Authorization: Bearer $token" "$base/data"

if grep -qF "$token" "$run/server.log" || grep -qF "$admin" "$run/server.log"; then smoke_fail "a token appears in the server's log"; fi
if grep -qE 'Unhandled exception|unhandled exception|NotSupportedException|MissingMetadataException' "$run/server.log"; then
  smoke_fail "the server logged an unhandled exception"
fi
stop_server
took "smoke test"

# The PostgreSQL store under Native AOT (Npgsql), where a server is at hand: the one .ci/run starts for the tests.
if [ -n "${TOKENSDK_TEST_POSTGRES:-}" ]; then
  step "smoke test on PostgreSQL (TOKENSDK_TEST_POSTGRES; a schema of its own, created at start)"
  schema="tokensdk_aot_$(date +%s)_$RANDOM"
  start_server "$run/server.log" TOKENSDK_POSTGRES="$TOKENSDK_TEST_POSTGRES" TOKENSDK_POSTGRES_SCHEMA="$schema" \
    TOKENSDK_POSTGRES_CREATE_SCHEMA=1 TOKENSDK_BOOTSTRAP_FILE="$run/pg/bootstrap-token.json"
  [ -f "$run/pg/bootstrap-token.json" ] || smoke_fail "no bootstrap token file"
  admin=$(json token < "$run/pg/bootstrap-token.json")
  [ -n "$admin" ] || smoke_fail "the bootstrap token file holds no token"
  auth=(-H "Authorization: Bearer $admin")
  check "GET /healthz" 200 "$base/healthz"
  body_has "GET /healthz" "Healthy"
  check "POST /v2/clientIdSecrets (read-only-user)" 200 "${auth[@]}" -X POST \
    -H 'Content-Type: application/json' -d '{"roles":["read-only-user"]}' "$base/v2/clientIdSecrets"
  token=$(json token < "$run/body"); client=$(json clientId < "$run/body")
  [ -n "$token" ] && [ -n "$client" ] || smoke_fail "the created token's details are missing: $(head -c 500 "$run/body")"
  check "GET /v2/clientIdSecrets" 200 "${auth[@]}" "$base/v2/clientIdSecrets"
  body_has "GET /v2/clientIdSecrets" "\"$client\""
  check "GET /data (the new token)" 200 -H "Authorization: Bearer $token" "$base/data"
  check "DELETE /v2/clientIdSecrets/{clientId}" 204 "${auth[@]}" -X DELETE "$base/v2/clientIdSecrets/$client"
  check "GET /data (the deleted token)" 401 -H "Authorization: Bearer $token" "$base/data"
  if grep -qE 'Unhandled exception|unhandled exception|NotSupportedException|MissingMetadataException' "$run/server.log"; then
    smoke_fail "the server logged an unhandled exception"
  fi
  stop_server
  if command -v psql > /dev/null; then
    # Npgsql's "Host=h;Port=p;Username=u;Database=d" as libpq's "host=h port=p user=u dbname=d" (best effort).
    libpq=$(printf '%s' "$TOKENSDK_TEST_POSTGRES" | tr ';' '\n' | sed -E 's/^ *[Uu]ser ?(name|id|Id)? *=/user=/; s/^ *[Dd]atabase *=/dbname=/; s/^ *([A-Za-z]+) *=/\L\1=/' | tr '\n' ' ')
    psql "$libpq" -qc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" > /dev/null 2>&1 || echo "(schema $schema left behind)"
  fi
  took "PostgreSQL smoke test"
else
  echo "PostgreSQL smoke test: skipped (TOKENSDK_TEST_POSTGRES is not set)"
fi

printf '\nAOT sample: %s, started, every check passed, stopped; %ss in all\n' \
  "$([ "${TOKENSDK_AOT_REUSE:-}" = 1 ] && echo "an earlier native binary reused" || echo "published with Native AOT (0 warnings)")" "$((SECONDS - started))"
