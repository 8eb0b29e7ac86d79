#!/usr/bin/env bash
# Secret scanning, proven with a real scanner: secretlint (with docs/secret-scanning/.secretlintrc.json) and
# `tokensdk scan` must find every real token of both formats, generated here by `tokensdk tokens create`, and none
# of the near-misses around them (wrong length, wrong prefix, non-hex characters, wrong separator). A wrong checksum
# is a near-miss only `tokensdk scan` can tell: secretlint, as any regex, must report it, `tokensdk scan` must not.
#
# Run from anywhere: .ci/steps/secret-scanning.sh. Needs the .NET 10 SDK and Node.js >= 20 with npm (installed with
# apt-get when missing). secretlint is installed by `npm ci` from .ci/secret-scanning/package-lock.json into
# .ci/secret-scanning/node_modules, once: later runs reuse it while the lock file is unchanged. Idempotent; the work
# directory artifacts/secret-scanning is recreated on each run.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
fail() { printf 'secret-scanning: FAILED: %s\n' "$*" >&2; exit 1; }
started=$(date +%s)

# --- Node.js and secretlint -------------------------------------------------------------------------------------
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "secret-scanning: installing nodejs and npm (apt-get)"
  { apt-get update -qq && apt-get install -y -qq nodejs npm > /dev/null; } || fail "Node.js and npm are needed: apt-get install nodejs npm"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js >= 20 is needed for secretlint 11 (found $(node --version))"

tools=.ci/secret-scanning
lock_hash=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
stamp="$tools/node_modules/.installed-from-lock"
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ] || [ ! -x "$tools/node_modules/.bin/secretlint" ]; then
  echo "secret-scanning: npm ci (secretlint and @secretlint/secretlint-rule-pattern, pinned by $tools/package-lock.json)"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in $tools"
  echo "$lock_hash" > "$stamp"
else
  echo "secret-scanning: secretlint already installed from the current lock file ($tools/node_modules)"
fi
secretlint="$tools/node_modules/.bin/secretlint"
echo "secret-scanning: secretlint $("$secretlint" --version 2>/dev/null || node -p "require('./$tools/node_modules/secretlint/package.json').version"), rule-pattern $(node -p "require('./$tools/node_modules/@secretlint/secretlint-rule-pattern/package.json').version"), node $(node --version)"

# --- The tool --------------------------------------------------------------------------------------------------
build_log=$(mktemp)
echo "secret-scanning: building tokensdk (Release)"
dotnet build src/TokenSdk.Cli/TokenSdk.Cli.csproj -c Release -nologo -v quiet -clp:ErrorsOnly > "$build_log" 2>&1 \
  || { cat "$build_log" >&2; fail "dotnet build src/TokenSdk.Cli"; }
rm -f "$build_log"
tokensdk() { dotnet src/TokenSdk.Cli/bin/Release/net10.0/TokenSdk.Cli.dll "$@"; }

# --- Real tokens, a fixture with near-misses ------------------------------------------------------------------
# Inside the repository: secretlint only scans files under its working directory.
work=artifacts/secret-scanning
rm -rf "$work" && mkdir -p "$work"
: > "$work/tokens.txt"
for format in default default default astra astra; do
  tokensdk tokens create --role read-only-user --format "$format" --output json --store "$work/store" > "$work/created.json" \
    || fail "tokensdk tokens create --format $format"
  node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).token + "\n")' "$work/created.json" >> "$work/tokens.txt"
done
rm -f "$work/created.json"
node "$tools/fixture.mjs" write "$work/tokens.txt" "$work/fixture.txt" "$work/expected.json"

# --- secretlint --------------------------------------------------------------------------------------------------
# Exit code 1 means "found": expected. The JSON report holds the file's content, so it is read, never printed.
set +e
"$secretlint" --secretlintrc docs/secret-scanning/.secretlintrc.json --format json --no-color "$work/fixture.txt" > "$work/secretlint.json" 2> "$work/secretlint.err"
lint_exit=$?
tokensdk scan "$work/fixture.txt" --output json > "$work/scan.json" 2> "$work/scan.err"
scan_exit=$?
set -e
[ "$lint_exit" = 1 ] || { cat "$work/secretlint.err" >&2; fail "secretlint exited with $lint_exit (1 = findings expected)"; }
[ "$scan_exit" = 8 ] || { cat "$work/scan.err" >&2; fail "tokensdk scan exited with $scan_exit (8 = tokens found expected)"; }

# Neither tool may print a token: secretlint masks by default, tokensdk scan always.
"$secretlint" --secretlintrc docs/secret-scanning/.secretlintrc.json --no-color "$work/fixture.txt" > "$work/secretlint.txt" 2>&1 || true
tokensdk scan "$work/fixture.txt" > "$work/scan.txt" 2>&1 || true
while read -r token; do
  for output in secretlint.txt scan.txt scan.json scan.err; do
    if grep -qF "$token" "$work/$output"; then fail "$output shows a whole token"; fi
    if grep -qF "${token: -40}" "$work/$output"; then fail "$output shows the secret part of a token"; fi
  done
done < "$work/tokens.txt"

node "$tools/fixture.mjs" check "$work/expected.json" "$work/secretlint.json" "$work/scan.json"
echo "secret-scanning: no output showed a token (secretlint masked, tokensdk scan masked)"
echo "secret-scanning: OK in $(( $(date +%s) - started ))s"
