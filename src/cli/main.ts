/**
 * `auth-flow` — the engine without VS Code.
 *
 *   auth-flow run --profile FILE [--username U] [--password P] [--browser [--no-open]] [--then A,B…] [--json] [--include-secrets]
 *   auth-flow sandbox [--port N]
 *   auth-flow decode TOKEN [--jwks URL]
 *   auth-flow demo            (what `npm start` runs: the sandbox plus a full flow against it)
 *   auth-flow import FILE     (a Postman environment export as a profile)
 *
 * Exit codes: 0 success, 1 a step failed (the timeline says which and why), 2 bad usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { parseArgs } from 'node:util';
import { Codes, exitCodeFor } from '../core/codes';
import type { Profile, Secrets } from '../core/profile';
import { grantOf, parseProfile, ProfileError, secretProblems } from '../core/profile';
import type { FollowUp, RunHost, RunOptions } from '../core/run';
import { exchangeMarks, redactRun, redactValue } from '../core/redact';
import { FlowError, toStepError } from '../core/errors';
import type { StepError } from '../core/model';
import { cliNetwork } from './network';
import { printRun, SECRETS_SHOWN } from './print';
import { UsageError } from './usage';

const USAGE = `Usage:
  auth-flow run --profile FILE [--username U] [--password P] [--client-secret S]
                [--private-key-file F] [--timeout SECONDS] [--json] [--include-secrets]
                [--export FILE]... [--insecure]
                [--ca-file PEM] [--client-cert FILE --client-key FILE]
                [--repeat N [--concurrency C]] [--browser] [--no-open]
                [--then refresh,introspect,revoke,userinfo,signoff]
  auth-flow sandbox [--port N]
  auth-flow decode TOKEN|- [--jwks URL]
  auth-flow demo [--grant authorization_code|client_credentials|device_code] [--then A,B…]
  auth-flow import FILE

Secrets never come from the profile file. They come from flags or the environment:
  AUTH_FLOW_CLIENT_SECRET, AUTH_FLOW_PRIVATE_KEY (PEM or JWK text), AUTH_FLOW_PRIVATE_KEY_FILE,
  AUTH_FLOW_USERNAME, AUTH_FLOW_PASSWORD. Missing credentials are asked for on a terminal.

--browser signs the person on in the system browser (PingOne profiles too; an issuer profile always
  does): the authorize URL is printed on stderr and opened, and the redirect is caught on the
  profile's loopback redirect URI (such as http://127.0.0.1:53682/callback, registered on the
  application). When that port cannot be listened on, the URL the browser ended on is asked for.
  --no-open prints the URL without opening a browser (to open it elsewhere, or on a machine without one).

A profile with "insecureTls": true (TLS certificate verification off) runs only with --insecure;
every step of such a run carries a warning.

Behind a proxy: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (any case) are honoured, credentials as
  http://user:password@proxy:port; a profile's "proxy" (a URL, or "none") overrides them.
--ca-file PEM trusts the CA certificates in PEM (a TLS-inspecting gateway's root) beside Node's own,
  as NODE_EXTRA_CA_CERTS does. --client-cert FILE presents a TLS client certificate (else the
  profile's clientCertFile), with its key from --client-key FILE or AUTH_FLOW_CLIENT_KEY_FILE.

--export FILE (repeatable) also writes the run to FILE, in the format its name ends with:
  .sh a bash + curl script that signs on again, .http for httpyac and REST Client, .har (HAR 1.2),
  .postman_collection.json a Postman collection (and its .postman_environment.json next to it).
  Secrets stay out of the files unless --include-secrets is given.

import FILE prints a Postman environment export (authPath, envID, appID… as in PingOne's guides)
  as a profile for run --profile, and on stderr what each variable became. A client secret in the
  file is not printed: pass it to run as AUTH_FLOW_CLIENT_SECRET.

--repeat N runs the flow N times (at most 10000), C at a time (--concurrency, at most 32; default 1),
  and prints per step the runs, errors and p50 / p95 / max latency; progress goes to stderr, and
  Ctrl+C prints what was measured so far (exit 130). Credentials come from flags or the environment.

--then A,B… runs follow-ups once the flow succeeded, in the order given (repeats allowed):
  refresh     the refresh_token grant; the new tokens replace the old, and the claims that changed
              in the access and ID tokens are printed (times in words: "exp moved 1 h later")
  introspect  asks the introspection endpoint about the access token (else the refresh token);
              "active: false" is an answer, not a failure
  revoke      revokes the refresh token (else the access token)
  userinfo    calls the userinfo endpoint again
  signoff     the end-session endpoint (PingOne's /as/signoff) with the ID token as id_token_hint and
              the profile's postLogoutRedirectUri
  e.g. --then introspect,revoke,introspect shows a token active, then no longer active.

--json prints one JSON document on stdout whatever happens: the run (or the measurement), or
  { "error": { "code", "message", "hint" } }, with the same exit codes.

Exit codes: 0 success, 1 a step failed, 2 bad usage.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = command === 'run' && rest.includes('--json');
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'sandbox':
        return await sandboxCommand(rest);
      case 'decode':
        return await (await import('./decode')).decodeCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'import':
        return (await import('./import')).importCommand(rest);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    const failure = failureOf(error);
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: failure.error }, null, 2)}\n`);
      return failure.exit;
    }
    if (failure.exit === 2) {
      const hinted = error instanceof UsageError && error.hint;
      process.stderr.write(hinted ? `${failure.error.message}\n${failure.error.hint}\n` : `${failure.error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof FlowError) {
      process.stderr.write(`${failure.error.message}\n${failure.error.hint}\n`);
      return 1;
    }
    throw error;
  }
}

const SEE_USAGE = 'Run auth-flow --help for the usage.';

/** What went wrong, as --json prints it, and the exit code: 2 for bad usage, 1 for a failure. */
function failureOf(error: unknown): { exit: number; error: StepError } {
  if (error instanceof UsageError) return { exit: 2, error: { code: error.code, message: error.message, hint: error.hint ?? SEE_USAGE } };
  if (error instanceof ProfileError) {
    return { exit: 2, error: { code: Codes.INVALID_PROFILE, message: error.message, hint: 'Fix the profile file: each problem names its field and what it takes.' } };
  }
  if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) return { exit: 2, error: { code: Codes.USAGE, message: error.message, hint: SEE_USAGE } };
  // Redacted with the secrets its request carried, as a failed step's error is in a run.
  if (error instanceof FlowError) return { exit: 1, error: redactValue(error.toStepError(), exchangeMarks(error.exchange)) };
  return { exit: 1, error: toStepError(error) };
}

async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      profile: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'client-secret': { type: 'string' },
      'private-key-file': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      'include-secrets': { type: 'boolean', default: false },
      export: { type: 'string', multiple: true, default: [] },
      insecure: { type: 'boolean', default: false },
      'ca-file': { type: 'string' },
      'client-cert': { type: 'string' },
      'client-key': { type: 'string' },
      repeat: { type: 'string' },
      concurrency: { type: 'string' },
      browser: { type: 'boolean', default: false },
      'no-open': { type: 'boolean', default: false },
      then: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  if (!values.profile) throw new UsageError('run needs --profile FILE.');
  const then = await followUpsOf(values.then);
  const measure = values.repeat === undefined && values.concurrency === undefined ? undefined : await import('./repeat');
  const repeat = measure?.repeatOf(values.repeat, values.concurrency);
  if (repeat && values.export.length) throw new UsageError('--export writes one run; leave it out with --repeat.');
  if (values.export.length) {
    const { EXPORT_FORMATS, exportFormatOf } = await import('../core/export/index');
    const unknown = values.export.find((file) => !exportFormatOf(file));
    if (unknown) throw new UsageError(`--export ${unknown}: the file name must end in ${EXPORT_FORMATS.map((f) => f.suffix).join(', ')}.`);
  }
  const text = readNamedFile(values.profile, 'profile file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The profile file ${values.profile} is not JSON: ${(error as Error).message}`);
  }
  // The file may leave out id and name; anything but an object goes to parseProfile as is, to be refused.
  const parsed = parseProfile(typeof json === 'object' && json !== null && !Array.isArray(json) ? { id: 'cli', name: values.profile, ...json } : json);
  const profile = values.browser ? inBrowser(parsed, values.profile) : parsed;
  if (values.browser && repeat) throw new UsageError('--browser signs a person on once; leave it out with --repeat.');
  if (profile.insecureTls && !values.insecure) {
    throw new UsageError(`The profile ${values.profile} turns TLS certificate verification off (insecureTls); pass --insecure to run it anyway.`);
  }
  const env = process.env;
  const privateKeyFile = values['private-key-file'] ?? env.AUTH_FLOW_PRIVATE_KEY_FILE;
  const clientKeyFile = values['client-key'] ?? env.AUTH_FLOW_CLIENT_KEY_FILE;
  const clientCertFile = values['client-cert'] ?? profile.clientCertFile;
  const secrets: Secrets = {
    clientSecret: values['client-secret'] ?? env.AUTH_FLOW_CLIENT_SECRET,
    privateKey: privateKeyFile ? readNamedFile(privateKeyFile, 'private key file') : env.AUTH_FLOW_PRIVATE_KEY,
    username: values.username ?? env.AUTH_FLOW_USERNAME,
    password: values.password ?? env.AUTH_FLOW_PASSWORD,
    ...(clientKeyFile ? { clientKey: readNamedFile(clientKeyFile, 'client key file') } : {}),
  };
  const missing = missingSecrets(profile, secrets);
  if (missing) throw missing;
  const network = cliNetwork(env, values['ca-file'], readNamedFile);
  const clientCert = clientCertFile === undefined ? undefined : readNamedFile(clientCertFile, 'client certificate file');
  const timeoutSec = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSec !== undefined && !(timeoutSec > 0)) throw new UsageError('--timeout takes a number of seconds.');
  if (measure && repeat) return measure.repeatCommand({ profile, secrets, timeoutMs: timeoutSec && timeoutSec * 1000, network, clientCert, then }, repeat, values.json);
  return execute(profile, secrets, { json: values.json, includeSecrets: values['include-secrets'], exports: values.export, timeoutMs: timeoutSec && timeoutSec * 1000, network, clientCert, open: !values['no-open'], then });
}

/** The profile signing on in the browser (--browser), with the redirect response mode a browser needs. */
function inBrowser(profile: Profile, file: string): Profile {
  if (grantOf(profile) !== 'authorization_code') throw new UsageError(`--browser signs a person on; the profile ${file} runs ${grantOf(profile)}.`, 'Leave out --browser, or use an authorization_code profile.');
  return { ...profile, signOn: 'browser', responseMode: 'redirect' };
}

/** The CLI's RunHost: the URL on stderr (stdout stays the run's), opened in the system browser unless --no-open. */
function cliHost(open: boolean, onDeviceCode?: (userCode: string) => void): RunHost {
  return {
    // RFC 8628 §3.3: the code and where to enter it; with a complete URI, opening it is enough.
    show: ({ userCode, verificationUri, verificationUriComplete, expiresIn }) => {
      process.stderr.write(`Device code ${userCode}: enter it at ${verificationUri}${verificationUriComplete ? ' (the link below has it filled in)' : ''}, within ${Math.max(1, Math.round(expiresIn / 60))} min. Waiting for the sign-on…\n`);
      onDeviceCode?.(userCode);
    },
    openUrl: async (url, why) => {
      const what = why === 'signOn' ? 'sign on' : 'approve the device';
      process.stderr.write(`${open ? `Opening the browser to ${what}` : `Open this URL in a browser to ${what}`}:\n  ${url}\n`);
      if (!open) return;
      const { openInSystemBrowser } = await import('./open');
      await openInSystemBrowser(url).catch((error: unknown) => {
        process.stderr.write(`The browser could not be opened (${(error as Error).message}): open the URL above yourself.\n`);
      });
    },
  };
}

/** `--then a,b --then c` as follow-ups in that order; an unknown name is bad usage naming the valid ones. */
async function followUpsOf(values: string[]): Promise<FollowUp[]> {
  if (!values.length) return [];
  const { FOLLOW_UPS } = await import('../core/run');
  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim());
  const unknown = names.filter((name) => !(FOLLOW_UPS as readonly string[]).includes(name));
  if (unknown.length) {
    throw new UsageError(`--then ${unknown.map((name) => JSON.stringify(name)).join(', ')}: not a follow-up.`, `The follow-ups are ${FOLLOW_UPS.join(', ')} (comma-separated, in the order to run them).`);
  }
  return names as FollowUp[];
}

/** Where the CLI takes each secret a profile may need from, for the hint when one is missing. */
const SECRET_SOURCES = [
  { secret: 'clientSecret', code: Codes.MISSING_SECRET, from: '--client-secret S or AUTH_FLOW_CLIENT_SECRET' },
  { secret: 'privateKey', code: Codes.MISSING_KEY, from: '--private-key-file F, AUTH_FLOW_PRIVATE_KEY or AUTH_FLOW_PRIVATE_KEY_FILE' },
  { secret: 'clientKey', code: Codes.MISSING_KEY, from: '--client-key FILE or AUTH_FLOW_CLIENT_KEY_FILE' },
] as const;

/** Bad usage naming the flags and variables to set, when the profile needs a secret not given. */
function missingSecrets(profile: Profile, secrets: Secrets): UsageError | undefined {
  const problems = secretProblems(profile, secrets);
  if (!problems.length) return undefined;
  // secretProblems is the one rule for what a profile needs: ask it with only this secret left out.
  const others = { clientSecret: 'present', privateKey: 'present', clientKey: 'present' };
  const missing = SECRET_SOURCES.filter(({ secret }) => !secrets[secret] && secretProblems(profile, { ...others, [secret]: undefined }).length);
  return new UsageError(
    problems.map((p) => p.message).join(' '),
    `Pass ${missing.map((m) => m.from).join(', and ')}; secrets never come from the profile file.`,
    missing[0]?.code,
  );
}

/** A file named on the command line or in the environment: one that cannot be read is bad usage. */
function readNamedFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
}

async function execute(
  profile: Profile,
  secrets: Secrets,
  options: {
    json: boolean;
    includeSecrets: boolean;
    exports?: string[];
    timeoutMs?: number;
    network?: RunOptions['network'];
    clientCert?: string;
    open?: boolean;
    then?: FollowUp[];
    /** Told the device grant's user code once it is shown (the demo approves it). */
    onDeviceCode?: (userCode: string) => void;
  },
): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    // Loaded here, not at start-up, as the sandbox and the exporters are: each command loads what it uses.
    const { runFlow } = await import('../core/run');
    const run = await runFlow({
      profile,
      secrets,
      signal: controller.signal,
      timeoutMs: options.timeoutMs,
      network: options.network,
      clientCert: options.clientCert,
      then: options.then,
      // isatty, not process.stdin.isTTY: making the stdin stream loads fs streams and readline for nothing.
      ask: isatty(0) ? (await import('./prompt')).terminalAsk : undefined,
      host: cliHost(options.open ?? true, options.onDeviceCode),
    });
    // Written before the run is printed, so that with --json a failed export is the one document printed.
    for (const path of options.exports ?? []) {
      const { exportRun } = await import('../core/export/index');
      for (const file of exportRun(run, path, { includeSecrets: options.includeSecrets, insecure: profile.insecureTls })) {
        try {
          writeFileSync(file.path, file.text, { mode: options.includeSecrets ? 0o600 : 0o644 });
        } catch (error) {
          throw new UsageError(`Cannot write the export ${file.path}: ${(error as Error).message}`, 'Check the directory exists and is writable, or export elsewhere.');
        }
        process.stderr.write(`Exported ${file.path}${options.includeSecrets ? ' (with secrets)' : ''}\n`);
      }
    }
    if (options.json && options.includeSecrets) process.stderr.write(`⚠ ${SECRETS_SHOWN}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(options.includeSecrets ? run : redactRun(run), null, 2)}\n`);
    else process.stdout.write(printRun(run, { insecure: profile.insecureTls, includeSecrets: options.includeSecrets }));
    return exitCodeFor(run.error?.code);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

async function sandboxCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a port number (0 for any free port).');
  const { SandboxListenError, startSandbox } = await import('../sandbox/index');
  const sandbox = await startSandbox({ port }).catch((error: unknown) => {
    throw error instanceof SandboxListenError ? new UsageError(`${error.message} Choose another with --port N, or --port 0 for any free port.`) : error;
  });
  const [demo] = sandbox.profiles();
  const { id: _id, name: _name, ...profileFile } = demo.profile;
  process.stdout.write(
    [
      `PingOne sandbox listening at ${sandbox.url} (environment ${sandbox.envId})`,
      `Issuer: ${sandbox.issuer}`,
      `Demo user: ${sandbox.demoUser.username} / ${sandbox.demoUser.password}`,
      '',
      'Profile (save as profile.json):',
      JSON.stringify(profileFile, null, 2),
      '',
      'Then:',
      `  AUTH_FLOW_CLIENT_SECRET='${demo.secrets.clientSecret ?? ''}' auth-flow run --profile profile.json --username ${sandbox.demoUser.username} --password '${sandbox.demoUser.password}'`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}

/**
 * `npm start`: the sandbox and one run against it, of the grant asked for. For the device grant, the
 * demo user approves the code at the sandbox as a person would at its verification page, once the
 * run has shown it.
 */
async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { grant: { type: 'string', default: 'authorization_code' }, then: { type: 'string', multiple: true, default: [] } } });
  const { GRANTS } = await import('../core/profile');
  const grant = GRANTS.find((name) => name === values.grant);
  if (!grant) throw new UsageError(`--grant ${JSON.stringify(values.grant)}: not a grant.`, `The grants are ${GRANTS.join(', ')}.`);
  const then = await followUpsOf(values.then);
  const { startSandbox } = await import('../sandbox/index');
  // The engine loads while the sandbox starts (its keys read from the cache, or generated on other threads).
  const [sandbox] = await Promise.all([startSandbox({ device: { interval: 1 } }), import('../core/run')]);
  try {
    // The first seeded app (client_secret_basic) has every grant.
    const [demo] = sandbox.profiles();
    const chosen =
      grant === 'device_code'
        ? { profile: { ...demo.profile, id: 'sandbox-device', name: 'Local sandbox (device grant)', grant }, secrets: demo.secrets }
        : grant === 'client_credentials'
          ? { profile: { ...demo.profile, id: 'sandbox-client-credentials', name: 'Local sandbox (client credentials)', scopes: [], grant }, secrets: demo.secrets }
          : { profile: demo.profile, secrets: { ...demo.secrets, ...sandbox.demoUser } };
    process.stdout.write(`Running "${chosen.profile.name}" against the embedded PingOne sandbox at ${sandbox.url}\n\n`);
    const approve = (userCode: string) => {
      process.stderr.write(`The demo user ${sandbox.demoUser.username} approves ${userCode} at the sandbox.\n`);
      sandbox.approveDevice(userCode);
    };
    return await execute(chosen.profile, chosen.secrets, { json: false, includeSecrets: false, open: false, then, onDeviceCode: approve });
  } finally {
    await sandbox.close();
  }
}
