/**
 * The flow runner: wires the steps in the order PingOne's step-by-step docs take them — authorize,
 * flow status, sign-on actions until COMPLETED, resume (302 read, not followed), token, userinfo —
 * and records each as a {@link Step}. It holds no protocol logic of its own: every step is a pair of
 * functions (build the request, read the response) in its own module.
 *
 * `runFlow` never throws for a flow failure: the returned run says which step failed and why.
 */
import { buildAuthorizeRequest, readAuthorizeResponse } from './oauth/authorize';
import { clientAuthentication } from './oauth/clientAuth';
import { CookieJar } from './cookies';
import { errorMessage, FlowError, toStepError } from './errors';
import { actionUrl, buildFlowActionRequest, buildFlowStatusRequest, flowDevices, flowFacts, nextAction, offeredActions, readFlowResponse } from './pingone/flow';
import type { Flow, SignOnAction } from './pingone/flow';
import type { HttpRequest } from './http';
import { Transport } from './http';
import { buildJwksRequest, readJwksResponse } from './oauth/jwks';
import { proxyForProfile, type NetworkOptions } from './network';
import { plainHttpWarnings } from './origin';
import { decodeToken, tryDecode, verifyToken } from './oauth/jwt';
import { hasJwsShape } from './oauth/jwtScan';
import type { DecodedToken, Run, RunEvent, SecretMark, Step, StepKind, TokenKind } from './model';
import { createPkce, randomValue } from './oauth/pkce';
import type { Profile, Secrets } from './profile';
import { endpointsOf, secretProblems, usesMutualTls, validateProfile } from './profile';
import type { Answers, Ask, Question } from './questions';
import { runMarks, secretReplacer } from './redact';
import { askAgain, type AskAgain } from './pingone/signOnRetry';
import { buildResumeRequest, readResumeResponse } from './pingone/resume';
import { buildTokenRequest, readTokenResponse } from './oauth/token';
import { buildUserinfoRequest, readUserinfoResponse } from './oauth/userinfo';
import type { JSONWebKeySet } from 'jose';

export interface RunOptions {
  profile: Profile;
  secrets: Secrets;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Asks a person for what the flow needs (credentials, a code, a device). Without it, the run uses `secrets` only. */
  ask?: Ask;
  timeoutMs?: number;
  clockSkewSec?: number;
  maxBodyBytes?: number;
  /** The host's proxy (a profile's own `proxy` overrides it) and extra CAs. */
  network?: Pick<NetworkOptions, 'proxy' | 'ca'>;
  /** The PEM TLS client certificate, read from the profile's clientCertFile or a flag; its key is `secrets.clientKey`. */
  clientCert?: string;
  /** One line per request and response, secrets already replaced by `$VARIABLE`. */
  log?: (line: string) => void;
}

export const DEFAULT_CLOCK_SKEW_SEC = 120;
/** More sign-on actions than any documented policy needs; stops a flow that never completes. */
const MAX_SIGN_ON_ACTIONS = 12;

class Cancelled extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'AbortError';
  }
}

export async function runFlow(options: RunOptions): Promise<Run> {
  const { profile } = options;
  const endpoints = endpointsOf(profile);
  const started = performance.now();
  const run: Run = {
    id: randomValue(9),
    profile: { id: profile.id, name: profile.name, issuer: endpoints.issuer, clientId: profile.clientId },
    status: 'running',
    startedAt: new Date().toISOString(),
    steps: [],
  };
  const emit = (event: RunEvent) => options.onEvent?.(structuredClone(event));
  emit({ type: 'run/started', run });

  const { clientCert } = options;
  const clientKey = options.secrets.clientKey;
  const transport = new Transport({
    jar: new CookieJar(),
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    rejectUnauthorized: !profile.insecureTls,
    network: {
      proxy: proxyForProfile(profile.proxy, options.network?.proxy),
      ca: options.network?.ca,
      ...(clientCert && clientKey ? { clientCertificate: { cert: clientCert, key: clientKey } } : {}),
    },
  });
  const context = new RunContext(run, options, transport, emit);
  try {
    const problems = validateProfile(profile);
    // Which secrets a profile needs is only meaningful once the profile itself is valid.
    if (!problems.length) problems.push(...secretProblems(profile, options.secrets));
    if (!problems.length && usesMutualTls(profile) && !clientCert) {
      problems.push({ field: 'clientCertFile', message: `"${profile.name}" authenticates with ${profile.clientAuthMethod} and needs a TLS client certificate (clientCertFile, or --client-cert for the CLI).` });
    }
    if (problems.length) {
      throw new FlowError('INVALID_PROFILE', problems.map((p) => p.message).join(' '), 'Edit the environment, or set its secrets.');
    }
    await context.execute();
    run.status = 'succeeded';
  } catch (error) {
    const stepError = toStepError(error);
    run.status = stepError.code === 'CANCELLED' ? 'cancelled' : 'failed';
    run.error = stepError;
  } finally {
    await transport.close();
    run.duration = Math.round(performance.now() - started);
    emit({ type: 'run/finished', run });
  }
  return run;
}

/** The state one run carries between its steps. */
class RunContext {
  readonly #endpoints;
  #jwks: JSONWebKeySet | undefined;
  #stepCount = 0;

  constructor(
    readonly run: Run,
    readonly options: RunOptions,
    readonly transport: Transport,
    readonly emit: (event: RunEvent) => void,
  ) {
    this.#endpoints = endpointsOf(options.profile);
  }

  async execute(): Promise<void> {
    const { profile, secrets } = this.options;
    const endpoints = this.#endpoints;
    const state = randomValue();
    const nonce = randomValue();
    const pkce = profile.pkce ? createPkce() : undefined;

    const authorized = await this.step('authorize', `Authorize (${profile.authorizeMethod}, ${profile.responseMode})`, async (step) => {
      Object.assign(step.facts, { state, nonce, response_mode: profile.responseMode === 'pi.flow' ? 'pi.flow' : 'redirect (302)' });
      // The verifier stays out of sight until the token step sends it (and marks it as a secret there).
      if (pkce) Object.assign(step.facts, { code_challenge: pkce.challenge, code_challenge_method: pkce.method });
      const { request, requestObject } = await buildAuthorizeRequest({ profile, endpoints, state, nonce, codeChallenge: pkce?.challenge, secrets });
      if (requestObject) step.tokens.push(decodeToken(requestObject, 'request_object'));
      const result = readAuthorizeResponse(await this.send(step, request), profile);
      step.facts.flowId = result.flowId;
      if (result.flow) step.facts.flow_status = result.flow.status;
      return result;
    });

    let flow: Flow =
      authorized.flow ??
      (await this.step('flow', 'Flow status', async (step) => {
        const result = readFlowResponse(await this.send(step, buildFlowStatusRequest(endpoints, authorized.flowId)));
        describeFlow(step, result);
        return result;
      }));

    for (let actions = 0; flow.status !== 'COMPLETED'; actions++) {
      if (actions >= MAX_SIGN_ON_ACTIONS) {
        throw new FlowError('FLOW_LOOP', `The flow is still ${flow.status} after ${MAX_SIGN_ON_ACTIONS} actions.`, 'Check the sign-on policy; the flow is not progressing.');
      }
      flow = await this.signOn(flow);
    }

    const resumed = await this.step('resume', 'Resume (read the redirect, do not follow it)', async (step) => {
      step.facts.flowId = flow.id;
      const result = readResumeResponse(await this.send(step, buildResumeRequest(endpoints, flow.id)), { state, redirectUri: profile.redirectUri, issuer: endpoints.issuer });
      step.checks.push(...result.checks);
      step.facts.code = result.code;
      if (result.location) step.facts.location = result.location;
      return result;
    });

    const tokens = await this.step('token', `Token (authorization_code, ${profile.clientAuthMethod})`, async (step) => {
      const auth = await clientAuthentication(profile, secrets, endpoints.token);
      if (auth.assertion) step.tokens.push(decodeToken(auth.assertion, 'client_assertion'));
      if (pkce) step.facts.code_verifier = pkce.verifier;
      const request = buildTokenRequest({ tokenEndpoint: endpoints.token, code: resumed.code, redirectUri: profile.redirectUri || undefined, codeVerifier: pkce?.verifier, auth });
      const exchange = await this.send(step, request);
      const result = readTokenResponse(exchange);
      Object.assign(step.facts, { token_type: result.token_type, ...(result.scope ? { scope: result.scope } : {}), ...(result.expires_in ? { expires_in: `${result.expires_in} s` } : {}) });
      // An ID token is a JWT (OIDC Core §2), and so is an access token shaped like one: either fails the
      // step when it cannot be read. Other access tokens, and refresh tokens, may be opaque.
      const read = (kind: TokenKind, raw: string | undefined, isJwt: boolean): DecodedToken | undefined => {
        if (raw === undefined) return undefined;
        if (!isJwt) return tryDecode(raw, kind);
        try {
          return decodeToken(String(raw), kind); // String: the response is JSON, whatever its type says
        } catch (error) {
          step.checks.push({ name: `${kind}: Decode`, status: 'failed', detail: errorMessage(error) });
          return undefined;
        }
      };
      const decoded = [
        read('id_token', result.id_token, true),
        read('access_token', result.access_token, hasJwsShape(result.access_token)),
        read('refresh_token', result.refresh_token, false),
      ].filter((t): t is DecodedToken => t !== undefined);
      const jwks = await this.jwks();
      const expectations = {
        jwks,
        issuer: endpoints.issuer,
        clientId: profile.clientId,
        skewSec: this.options.clockSkewSec ?? DEFAULT_CLOCK_SKEW_SEC,
        nonce,
        accessToken: result.access_token,
      };
      // Refresh tokens are the server's own business: decoded for display, never verified.
      step.tokens.push(...(await Promise.all(decoded.map((t) => (t.kind === 'refresh_token' ? t : verifyToken(t, expectations))))));
      for (const token of step.tokens.filter((t) => t.verified === false)) {
        const failed = token.checks.filter((c) => c.status === 'failed');
        step.checks.push(...failed.map((c) => ({ ...c, name: `${token.kind}: ${c.name}` })));
      }
      if (profile.scopes.includes('openid') && !result.id_token) {
        step.checks.push({ name: 'ID token', status: 'failed', detail: 'scope includes openid but the response has no id_token' });
      }
      return { ...result, idTokenSub: decoded.find((t) => t.kind === 'id_token')?.payload.sub };
    });

    if (profile.userinfo !== false) {
      await this.step('userinfo', 'Userinfo', async (step) => {
        const { claims, checks } = readUserinfoResponse(
          await this.send(step, buildUserinfoRequest(endpoints.userinfo, tokens.access_token)),
          typeof tokens.idTokenSub === 'string' ? tokens.idTokenSub : undefined,
        );
        step.checks.push(...checks);
        if (typeof claims.sub === 'string') step.facts.sub = claims.sub;
      });
    }
  }

  /** One sign-on action chosen from the flow's status and `_links`, asking the person for what it needs. */
  async signOn(flow: Flow): Promise<Flow> {
    if (flow.status === 'FAILED') {
      throw new FlowError('FLOW_FAILED', 'The flow ended in status FAILED.', 'Start a new run; check the user and the sign-on policy.', { detail: flow });
    }
    const action = nextAction(flow);
    if (!action) {
      return this.step('signOn', `Sign on (${flow.status})`, async () => {
        const page = flow._links?.signOnPage?.href;
        const offered = offeredActions(flow);
        throw new FlowError(
          'UNSUPPORTED_STATUS',
          `The flow is ${flow.status}, offering ${offered.join(', ') || 'no actions'}, which this client cannot complete on its own.`,
          page ? `Complete sign-on in a browser at ${page}, or change the sign-on policy.` : 'Change the sign-on policy to one with username/password, OTP or device selection.',
          { detail: flow },
        );
      });
    }
    const title = `Sign on (${action})`;
    try {
      // Where the action would go is checked before anyone is asked to type a password for it.
      actionUrl(this.#endpoints, flow, action);
    } catch (error) {
      return this.step('signOn', title, () => Promise.reject(error));
    }
    // A refused password or code leaves the flow where it was, so the person may try again in it.
    let retry: (AskAgain & { username?: string }) | undefined;
    for (let attempt = 1; ; attempt++) {
      const input = await this.actionInput(action, flow, retry);
      retry = undefined;
      try {
        const result = await this.step('signOn', attempt === 1 ? title : `Sign on (${action}, attempt ${attempt})`, async (step) => {
          step.facts.action = action;
          step.facts.status_before = flow.status;
          try {
            const result = readFlowResponse(await this.send(step, buildFlowActionRequest(this.#endpoints, flow, action, input.body, input.marks)));
            describeFlow(step, result);
            return result;
          } catch (error) {
            const again = this.options.ask ? askAgain(action, error, attempt) : undefined;
            if (!again) throw error;
            retry = { ...again, username: typeof input.body.username === 'string' ? input.body.username : undefined };
            throw again.error;
          }
        });
        for (const accept of input.accepted) await accept();
        return result;
      } catch (error) {
        if (!retry) throw error;
      }
    }
  }

  /**
   * The body of a sign-on action (docs/pingone.md §2), from the run's secrets or by asking; after a
   * refusal, by asking again with why. `accepted` tells the host which of its answers the server took,
   * once the action has succeeded.
   */
  async actionInput(
    action: SignOnAction,
    flow: Flow,
    retry?: { message: string; username?: string },
  ): Promise<{ body: Record<string, unknown>; marks: SecretMark[]; accepted: (() => Promise<void>)[] }> {
    const { secrets } = this.options;
    const accepted: (() => Promise<void>)[] = [];
    const askChecked = async <Q extends Question>(question: Q): Promise<Answers[Q['kind']]> => {
      const answer = await this.ask(question);
      accepted.push(async () => this.options.ask?.accepted?.(question.kind, answer));
      return answer;
    };
    const message = retry ? { message: retry.message } : {};
    switch (action) {
      case 'usernamePassword.check': {
        const knownUser = flow._embedded?.user?.username;
        const credentials =
          !retry && secrets.username !== undefined && secrets.password !== undefined && (!knownUser || knownUser === secrets.username)
            ? { username: secrets.username, password: secrets.password }
            : await askChecked({ kind: 'credentials', username: knownUser ?? retry?.username ?? secrets.username, ...message });
        return {
          body: { username: credentials.username, password: credentials.password },
          marks: [{ variable: 'PASSWORD', value: credentials.password, describe: 'the user\'s password' }],
          accepted,
        };
      }
      case 'user.lookup':
        // A lookup takes the username only: its success says nothing about the password asked with it.
        return { body: { username: secrets.username ?? (await this.ask({ kind: 'credentials' })).username }, marks: [], accepted };
      case 'device.select':
        return { body: { device: { id: (await askChecked({ kind: 'device', devices: flowDevices(flow) })).deviceId } }, marks: [], accepted };
      case 'otp.check': {
        const { otp } = await askChecked({ kind: 'otp', ...message });
        return { body: { otp }, marks: [{ variable: 'OTP', value: otp }], accepted };
      }
      case 'password.reset': {
        // Not reported as accepted: once the reset succeeds, the password asked for here is the old one.
        const current = secrets.password ?? (await this.ask({ kind: 'credentials' })).password;
        const { newPassword } = await this.ask({ kind: 'newPassword', message: `The flow is ${flow.status}: choose a new password.` });
        return {
          body: { currentPassword: current, newPassword },
          marks: [{ variable: 'PASSWORD', value: current, describe: 'the user\'s password' }, { variable: 'NEW_PASSWORD', value: newPassword }],
          accepted,
        };
      }
    }
  }

  async jwks(): Promise<JSONWebKeySet> {
    this.#jwks ??= await this.step('jwks', 'Signing keys (JWKS)', async (step) => {
      const keys = readJwksResponse(await this.send(step, buildJwksRequest(this.#endpoints.jwks)));
      step.facts.keys = keys.keys.map((k) => `${k.kid ?? '(no kid)'} ${k.kty}${k.alg ? ` ${k.alg}` : ''}`).join(', ');
      return keys;
    });
    return this.#jwks;
  }

  async ask<Q extends Question>(question: Q): Promise<Answers[Q['kind']]> {
    if (!this.options.ask) {
      const what = { credentials: 'a username and password', otp: 'a one-time code', device: 'a device choice', newPassword: 'a new password' }[question.kind];
      throw new FlowError('NEEDS_INPUT', `The flow needs ${what}, and this run has no way to ask for it.`, 'Pass it on the command line (--username/--password) or run interactively.');
    }
    const answer = await this.options.ask(question);
    if (answer === undefined) throw new Cancelled();
    return answer;
  }

  async send(step: Step, request: HttpRequest): Promise<NonNullable<Step['exchange']>> {
    // Redacted as the run is: every secret marked so far on any step, and this request's own.
    const log = (line: string) => this.options.log?.(secretReplacer([...runMarks(this.run), ...(request.secrets ?? [])])(line));
    const via = this.transport.proxyFor(request.url);
    if (via) {
      step.facts.proxy = `${via.proxy} (from ${via.source})`;
      if (this.options.network?.proxy?.strictSSL === false) step.warnings.push('TLS certificate verification is off for requests through the proxy (http.proxyStrictSSL is false).');
    }
    log(`→ ${request.method} ${request.url}${via ? ` via ${via.proxy}` : ''}`);
    try {
      const exchange = await this.transport.send(request, this.options.signal);
      step.exchange = exchange;
      log(`← ${exchange.response?.status} ${request.url} (${exchange.timing.total} ms)`);
      return exchange;
    } catch (error) {
      if (error instanceof FlowError && error.exchange) step.exchange = error.exchange;
      log(`✗ ${request.url}: ${errorMessage(error)}`);
      throw error;
    }
  }

  /** Runs `body` as one recorded step: started event, then finished or failed. A failed check fails the step. */
  async step<T>(kind: StepKind, title: string, body: (step: Step) => Promise<T>): Promise<T> {
    this.options.signal?.throwIfAborted();
    const started = performance.now();
    const step: Step = {
      id: `s${++this.#stepCount}`,
      kind,
      title,
      status: 'running',
      startedAt: new Date().toISOString(),
      facts: {},
      checks: [],
      tokens: [],
      warnings: [...(this.options.profile.insecureTls ? ['TLS certificate verification is off for this environment.'] : []), ...plainHttpWarnings(this.#endpoints)],
    };
    this.run.steps.push(step);
    this.emit({ type: 'step/started', runId: this.run.id, step });
    try {
      const result = await body(step);
      const failed = step.checks.find((c) => c.status === 'failed');
      if (failed) {
        throw new FlowError('CHECK_FAILED', `${failed.name} check failed: ${failed.detail.replace(/\.$/, '')}.`, checkHint(failed.name));
      }
      step.status = 'succeeded';
      step.duration = Math.round(performance.now() - started);
      this.emit({ type: 'step/finished', runId: this.run.id, step });
      return result;
    } catch (error) {
      step.status = 'failed';
      step.duration = Math.round(performance.now() - started);
      step.error = toStepError(this.options.signal?.aborted ? new Cancelled() : error);
      this.emit({ type: 'step/failed', runId: this.run.id, step });
      throw error;
    }
  }
}

function describeFlow(step: Step, flow: Flow): void {
  Object.assign(step.facts, flowFacts(flow));
}

function checkHint(check: string): string {
  if (/Decode/.test(check)) return 'The token endpoint returned a token that is not a JWT this client can read: check the server, or a proxy rewriting its responses.';
  if (/: (exp|iat|nbf|auth_time)$/.test(check)) return 'A time claim in the token is not a usable date (RFC 7519 §2 NumericDate): the issuer is misconfigured or the token was altered.';
  if (/Signature/.test(check)) return 'Do not trust this token: check that the issuer\'s JWKS is the one that signed it, and that nothing altered it in transit.';
  if (/Issuer/.test(check)) return 'Check the environment ID and region: the token comes from another issuer.';
  if (/Audience/.test(check)) return 'Check the client ID in the profile: the token was issued to another application.';
  if (/Nonce/.test(check)) return 'The ID token was not issued for this authorize request (replay?). Start a new run.';
  if (/Expiry|Issued at|Not before/.test(check)) return 'Check this machine\'s clock, or raise the clock-skew setting.';
  if (/at_hash/.test(check)) return 'The ID token and access token do not belong together; do not use them.';
  return 'See the check\'s detail on this step.';
}
