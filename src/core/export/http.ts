/**
 * A run as an `.http` file: httpyac runs it end to end (`httpyac send FILE --all`), and REST Client
 * opens it and sends it request by request. One `# @name` region per step, `# @no-redirect` on every
 * step (the flow reads its redirects, RFC 6749 §4.1.2), secrets from `{{$processEnv …}}`.
 *
 * httpyac keeps cookies between requests and evaluates `{{ … }}` JavaScript, which computes the PKCE
 * pair and reads the flowId, code and access token from earlier responses. REST Client has no
 * scripting: each request declares those values with `# @prompt`, so REST Client asks for them.
 */
import type { Capture, ExportOptions, Piece, ReplayStep, Template, VariableName } from './plan';
import { exportHeading, INPUTS, renderTemplate, replayPlan, templatesOf } from './plan';
import type { Run } from '../model';

const ENVIRONMENT: Record<(typeof INPUTS)[number], string> = {
  clientSecret: 'AUTH_FLOW_CLIENT_SECRET',
  username: 'AUTH_FLOW_USERNAME',
  password: 'AUTH_FLOW_PASSWORD',
  otp: 'AUTH_FLOW_OTP',
};

/** Values httpyac computes with JavaScript and REST Client asks for. */
const COMPUTED = new Set<VariableName>(['codeVerifier', 'codeChallenge', 'flowID', 'authCode', 'accessToken']);

const PROMPTS: Partial<Record<VariableName, string>> = {
  codeVerifier: 'a PKCE code verifier (43+ characters)',
  codeChallenge: 'BASE64URL(SHA-256(code verifier))',
  flowID: 'the flowId from the authorize response',
  authCode: 'the code from the resume response',
  accessToken: 'the access_token from the token response',
};

export function toHttpFile(run: Run, options: ExportOptions = {}): string {
  const plan = replayPlan(run);
  const inputs = plan.inputs.map((v) => {
    const value = plan.values[v];
    return `@${v} = ${options.includeSecrets && value !== undefined ? value : `{{$processEnv ${ENVIRONMENT[v]}}}`}`;
  });
  const lines = [
    ...exportHeading(plan, options).map((line) => `# ${line}`),
    '# httpyac: npx httpyac send FILE --all (set the environment variables named below first).',
    '# REST Client: send the requests in order; it asks (@prompt) for the values httpyac computes.',
    '',
    ...(['authPath', 'envID', 'appID', 'redirect_uri'] as const).filter((v) => plan.values[v] !== undefined).map((v) => `@${v} = ${plan.values[v]}`),
    ...inputs,
    // A GUID is fresh for each request in both tools; state and nonce are each sent once.
    ...(plan.generated.includes('state') ? ['@state = {{$guid}}'] : []),
    ...(plan.generated.includes('nonce') ? ['@nonce = {{$guid}}'] : []),
    ...(plan.generated.includes('codeVerifier') ? ["@codeVerifier = {{ require('node:crypto').randomBytes(32).toString('base64url') }}"] : []),
    ...(plan.generated.includes('codeChallenge') ? ["@codeChallenge = {{ require('node:crypto').createHash('sha256').update(codeVerifier).digest('base64url') }}"] : []),
  ];

  // A captured value is defined in the region of the step after the one that answered it, where httpyac evaluates it.
  let pending: string[] = [];
  for (const step of plan.steps) {
    lines.push('', '###', `# ${step.title.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')}`, `# @name ${step.name}`, '# @no-redirect');
    for (const variable of promptsOf(step)) lines.push(`# @prompt ${variable} ${PROMPTS[variable]}`);
    lines.push(...pending, ...requestLines(step));
    pending = step.captures.filter((c) => !c.verify).map((c) => `@${c.variable} = {{ ${captureExpression(step.name, c)} }}`);
  }
  lines.push('');
  return lines.join('\n');
}

function promptsOf(step: ReplayStep): VariableName[] {
  const used = templatesOf(step.request).flat().flatMap((p) => (typeof p === 'string' ? [] : [p.variable]));
  return [...new Set(used)].filter((v) => COMPUTED.has(v));
}

function requestLines(step: ReplayStep): string[] {
  const { request } = step;
  // Plain `{{name}}` everywhere: an encoding expression would be JavaScript, which REST Client cannot run.
  const variable = (piece: Exclude<Piece, string>) => `{{${piece.variable}}}`;
  const value = (t: Template) => renderTemplate(t, variable);
  const field = ([k, v]: [string, Template]) => `${encodeURIComponent(k)}=${renderTemplate(v, variable, (text) => new URLSearchParams([['', text]]).toString().slice(1))}`;
  const query = request.query.length ? `?${request.query.map(field).join('&')}` : '';
  const lines = [`${request.method} ${value(request.base)}${query}`];
  // Both tools encode `Basic id:secret` themselves.
  if (request.basic) lines.push(`Authorization: Basic ${value(request.basic.username)}:${value(request.basic.password)}`);
  lines.push(...request.headers.map(([k, v]) => `${k}: ${value(v)}`));
  if (request.body) lines.push('', request.body.kind === 'form' ? request.body.fields.map(field).join('&') : value(request.body.text));
  return lines;
}

/** httpyac names a region's parsed body `name` and its whole response `nameResponse`. */
function captureExpression(step: string, capture: Capture): string {
  if (capture.from === 'json') return [step, ...capture.path].join('.');
  return `new URL(${step}Response.headers.location).searchParams.get('${capture.param}')`;
}
