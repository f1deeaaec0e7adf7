/**
 * A run as a bash script that signs on again against the same server: each step's request printed
 * by the cURL printer, a cookie jar carried from step to step (`curl -b/-c`, as a browser would for
 * PingOne's `ST` session cookie), the flowId, code and tokens read from each response with sed and
 * awk (no jq), and a fresh state, nonce and PKCE pair (RFC 7636 §4.1–4.2) made with openssl.
 * It prints the token response on stdout; progress goes to stderr.
 */
import { quote, toCurl } from '../curl';
import type { Run, SecretMark } from '../model';
import type { Capture, ExportOptions, Piece, ReplayRequest, Template, VariableName } from './plan';
import { exportHeading, INPUTS, renderTemplate, replayPlan } from './plan';

type Context = 'raw' | 'query' | 'json';

/** The shell name of a variable: inputs are the CLI's environment variables, the rest SCREAMING_SNAKE. */
function shellName(variable: VariableName): string {
  const name = variable.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  return (INPUTS as readonly string[]).includes(variable) ? `AUTH_FLOW_${name}` : name;
}

/** Values that can hold any character are encoded once at the top; generated and captured ones are URL-safe already. */
const FREE_TEXT = new Set<VariableName>(['authPath', 'envID', 'appID', 'redirect_uri', ...INPUTS]);

const INPUT_TEXT: Record<(typeof INPUTS)[number], string> = {
  clientSecret: "the application's client secret",
  username: "the user's name",
  password: "the user's password",
  otp: 'the one-time code',
};

const HELPERS = String.raw`export LC_ALL=C
JAR=$(mktemp) RESPONSE=$(mktemp)
trap 'rm -f "$JAR" "$RESPONSE"' EXIT

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
random() { openssl rand 32 | base64url; }
# RFC 3986 percent-encoding, unreserved characters kept (LC_ALL=C: byte by byte).
urlencode() {
  local s=$1 c i out=''
  for ((i = 0; i < ${'$'}{#s}; i++)); do
    c=${'$'}{s:i:1}
    case $c in [A-Za-z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac
  done
  printf '%s' "$out"
}
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
fail() { echo "$*" >&2; exit 1; }

# The last response (curl -i): status, one header, body.
status() { tr -d '\r' < "$RESPONSE" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p'; }
header() { tr -d '\r' < "$RESPONSE" | sed -n '2,/^$/p' | grep -i "^$1:" | head -n 1 | sed 's/^[^:]*:[[:space:]]*//'; }
body() { tr -d '\r' < "$RESPONSE" | sed '1,/^$/d'; }
query_param() { printf '%s\n' "$1" | sed -n "s/.*[?&#]$2=\([^&#]*\).*/\1/p"; }
# The string at a path of object keys in the JSON on stdin: json_get authorizeResponse code
json_get() {
  awk -v path="$*" '
    BEGIN { n = split(path, want, " "); RS = "\001" }
    {
      s = $0; len = length(s); depth = 0
      for (i = 1; i <= len; i++) {
        c = substr(s, i, 1)
        if (c == "\"") {
          str = ""
          for (j = i + 1; j <= len && (d = substr(s, j, 1)) != "\""; j++) {
            if (d == "\\") { str = str d; j++; d = substr(s, j, 1) }
            str = str d
          }
          i = j
          for (k = i + 1; substr(s, k, 1) ~ /[ \t\n]/; k++) {}
          if (substr(s, k, 1) == ":") { key[depth] = str; continue }
          if (depth != n) continue
          ok = 1
          for (m = 1; m <= n; m++) if (list[m] || key[m] != want[m]) ok = 0
          if (ok) { print str; exit }
        } else if (c == "{" || c == "[") { depth++; key[depth] = ""; list[depth] = (c == "[") }
        else if (c == "}" || c == "]") depth--
      }
    }'
}
# Checks the status of the last response against the run's.
expect() {
  local got
  got=$(status)
  [ "$got" = "$2" ] || { echo "$1: HTTP $got, the run got $2:" >&2; body >&2; exit 1; }
  echo "$1: HTTP $got" >&2
}`;

export function toShellScript(run: Run, options: ExportOptions = {}): string {
  const plan = replayPlan(run);
  const derived = new Map<string, string>();
  const lines = [
    '#!/usr/bin/env bash',
    ...exportHeading(plan, options).map((line) => `# ${line}`),
    `# Replays ${plan.steps.map((s) => s.name).join(' → ')} with a fresh state, nonce and PKCE pair.`,
    '# Needs bash, curl, openssl, sed, grep, awk and tr. Prints the token response.',
    'set -euo pipefail',
    '',
    ...(['authPath', 'envID', 'appID', 'redirect_uri'] as const).filter((v) => plan.values[v] !== undefined).map((v) => `${shellName(v)}=${quote(plan.values[v]!, [])}`),
    '',
  ];

  if (plan.inputs.length) {
    if (options.includeSecrets) {
      // The run's values, unless the environment gives others.
      lines.push(...plan.inputs.filter((v) => plan.values[v] !== undefined).map((v) => `[ -n "\${${shellName(v)}:-}" ] || ${shellName(v)}=${quote(plan.values[v]!, [])}`));
    }
    const names = plan.inputs.map(shellName);
    lines.push(
      'missing=()',
      `for name in ${names.join(' ')}; do [ -n "\${!name:-}" ] || missing+=("$name"); done`,
      '[ "${#missing[@]}" -eq 0 ] || {',
      `  echo "Set \${missing[*]} first (${plan.inputs.map((v) => `${shellName(v)}: ${INPUT_TEXT[v]}`).join('; ')})." >&2`,
      '  exit 2',
      '}',
      '',
    );
  }
  lines.push(HELPERS, '');

  const generated = plan.generated.filter((v) => v !== 'codeChallenge');
  lines.push(...generated.map((v) => `${shellName(v)}=$(random)`));
  if (plan.generated.includes('codeChallenge')) {
    lines.push(`CODE_CHALLENGE=$(printf '%s' "$CODE_VERIFIER" | openssl dgst -sha256 -binary | base64url)`);
  }

  const stepLines: string[] = [];
  for (const step of plan.steps) {
    stepLines.push('', `# ${step.title.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')}`);
    const { command, setup } = curlFor(step.request, derived, options);
    stepLines.push(...setup, `${command} \\\n  -sS -b "$JAR" -c "$JAR" -o "$RESPONSE"`);
    if (step.status !== undefined) stepLines.push(`expect ${step.name} ${step.status}`);
    stepLines.push(...step.captures.map((capture) => captureLine(step.name, capture)));
    if (step.kind === 'token') stepLines.push('printf \'%s\\n\' "$(body)"');
  }
  if (derived.size) lines.push('', ...derived.values());
  lines.push(...stepLines, '');
  return lines.join('\n');
}

/** The cURL command of one request: placeholders stand for the variables, which toCurl prints as `"$NAME"`. */
function curlFor(request: ReplayRequest, derived: Map<string, string>, options: ExportOptions): { command: string; setup: string[] } {
  const marks: SecretMark[] = [];
  const token = (name: string): string => {
    const value = `\u{E000}${name}\u{E000}`;
    if (!marks.some((m) => m.value === value)) marks.push({ variable: name, value });
    return value;
  };
  const placeholder = (piece: Exclude<Piece, string>, context: Context) => token(variableFor(piece.variable, piece.json ? 'json' : context, derived));
  const formEncode = (text: string) => new URLSearchParams([['', text]]).toString().slice(1);
  const fields = (pairs: [string, Template][]) => pairs.map(([k, v]) => `${formEncode(k)}=${renderTemplate(v, (p) => placeholder(p, 'query'), formEncode)}`).join('&');
  const raw = (t: Template) => renderTemplate(t, (p) => placeholder(p, 'raw'));

  const setup: string[] = [];
  const headers: [string, string][] = request.headers.map(([k, v]) => [k, raw(v)]);
  if (request.basic) {
    // RFC 6749 §2.3.1: form-encode id and secret, then Base64 their pair.
    const word = (t: Template) => quote(renderTemplate(t, (p) => placeholder(p, 'query'), formEncode), marks);
    setup.push(`BASIC_CREDENTIALS=$(printf '%s:%s' ${word(request.basic.username)} ${word(request.basic.password)} | openssl base64 -A)`);
    headers.unshift(['authorization', `Basic ${token('BASIC_CREDENTIALS')}`]);
  }
  const query = request.query.length ? `?${fields(request.query)}` : '';
  const body = request.body === undefined ? undefined : request.body.kind === 'form' ? fields(request.body.fields) : raw(request.body.text);
  const command = toCurl({ method: request.method, url: `${raw(request.base)}${query}`, headers, body, secrets: marks }, { insecure: options.insecure });
  // The variables are set above in the script: the "Set first" note is for a command pasted alone.
  return { command: command.replace(/^# .*\n/, ''), setup };
}

/** The shell variable holding a value as the context needs it, declaring encoded copies once. */
function variableFor(variable: VariableName, context: Context, derived: Map<string, string>): string {
  const name = shellName(variable);
  if (context === 'raw' || !FREE_TEXT.has(variable)) return name;
  const copy = `${name}_${context === 'query' ? 'Q' : 'JSON'}`;
  derived.set(copy, `${copy}=$(${context === 'query' ? 'urlencode' : 'json_escape'} "$${name}")`);
  return copy;
}

function captureLine(step: string, capture: Capture): string {
  const read = capture.from === 'location' ? `query_param "$(header location)" ${capture.param}` : `body | json_get ${capture.path.join(' ')}`;
  const where = capture.from === 'location' ? `the ${capture.param} parameter of the Location` : capture.path.join('.');
  const name = shellName(capture.variable);
  if (capture.verify) return `[ "$(${read})" = "$${name}" ] || fail "${step}: ${where} is not the ${capture.variable} this script sent (RFC 6749 §10.12)."`;
  return `${name}=$(${read}) && [ -n "$${name}" ] || fail "${step}: the response has no ${where}."`;
}
