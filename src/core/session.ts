/**
 * The state one run carries between its steps, and the three things every step does with it: record
 * itself ({@link RunSession.step}), send a request ({@link RunSession.send}) and ask a person
 * ({@link RunSession.ask}). A session outlives its grant: the follow-ups (refresh, introspect, revoke,
 * userinfo, sign off) append their steps to the same run with the tokens it holds.
 *
 * Protocol logic lives in the build/read pairs of src/core/oauth and src/core/pingone and in the grant
 * sequences of src/core/grants; the session only wires them. One exception lives here because it
 * concerns every request: with `dpop` on, {@link RunSession.send} adds the DPoP proof (RFC 9449) to the
 * requests that need one, and a server's demand for a nonce is answered by running the step again.
 */
import type { JSONWebKeySet } from 'jose';
import { CHECK_HINTS, Codes } from './codes';
import { CookieJar } from './cookies';
import { errorMessage, FlowError, toStepError } from './errors';
import type { HttpRequest } from './http';
import { Transport } from './http';
import { proxyForProfile, type NetworkOptions } from './network';
import { plainHttpWarnings } from './origin';
import type { DecodedToken, Exchange, Run, RunEvent, Step, StepKind } from './model';
import { buildDiscoveryRequest, readDiscoveryResponse, type Discovered, type DiscoveryForm, type Endpoints } from './oauth/discovery';
import { clientAuthentication, type ClientAuthentication } from './oauth/clientAuth';
import { buildJwksRequest, readJwksResponse } from './oauth/jwks';
import { decodeToken } from './oauth/jwt';
import { DpopKey, nonceChallenge, nonceOf, proofTarget } from './oauth/dpop';
import { randomValue } from './oauth/pkce';
import { withoutQuery } from './oauth/responses';
import type { TokenSet } from './oauth/token';
import { pingOneEndpoints, type PingOneEndpoints } from './pingone/endpoints';
import type { Profile, Secrets } from './profile';
import { isPingOne, issuerOf } from './profile';
import type { Answers, Ask, Question } from './questions';
import { inputMarks, runMarks, secretReplacer } from './redact';
import { buildResendRequest, readResendResponse, type EditedRequest } from './resend';

/** What a host does for a run that a person must see: open a page in a browser, show a device code. */
export interface RunHost {
  /**
   * Opens a URL in the person's browser (the authorize URL in browser mode, the verification URI of the
   * device grant). Without it, the URL is only shown: the person opens it.
   */
  openUrl?: (url: string, why: 'signOn' | 'device') => Promise<void>;
  /** Shows what the person must do elsewhere (the device grant's code and URL); the run goes on meanwhile. */
  show?: (message: { kind: 'device'; userCode: string; verificationUri: string; verificationUriComplete?: string; expiresIn: number }) => void;
  /**
   * Where the person's browser reaches a loopback URI of this machine (the redirect URI): VS Code Remote,
   * Codespaces and code-server forward the port and may give another address. Without it, the URI itself.
   */
  externalUri?: (uri: string) => Promise<string>;
  /**
   * Browser sign-on waits for the redirect on its loopback listener: the host may say so and offer to
   * paste the URL the browser ended on instead. Resolves when the person chose to paste (the run then
   * asks for the URL); stays pending otherwise. `signal` aborts once the wait is over.
   */
  offerPaste?: (wait: { authorizeUrl: string; redirectUri: string; signal: AbortSignal }) => Promise<void>;
}

export interface RunOptions {
  profile: Profile;
  secrets: Secrets;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Asks a person for what the flow needs (credentials, a code, a device). Without it, the run uses `secrets` only. */
  ask?: Ask;
  host?: RunHost;
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

export class Cancelled extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'AbortError';
  }
}

/** The tokens a run holds: the latest of each, as the server sent them (secrets; never in an event). */
export interface HeldTokens {
  access_token?: string;
  token_type?: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

export class RunSession {
  readonly run: Run;
  readonly jar = new CookieJar();
  /** The endpoints in use: PingOne's documented ones until discovery says otherwise, an issuer's once discovered. */
  endpoints: Endpoints;
  /** The issuer's metadata document, once read. */
  metadata: Record<string, unknown> | undefined;
  readonly tokens: HeldTokens = {};
  /** The nonce of this run's authorize request, for the ID token it yields. */
  nonce: string | undefined;
  #jwks: JSONWebKeySet | undefined;
  #dpopKey: Promise<DpopKey> | undefined;
  /** The latest DPoP-Nonce each server origin gave (RFC 9449 §8.2), for the proofs sent there next. */
  readonly #dpopNonces = new Map<string, string>();
  /** Steps that are already the retry with a server's nonce: a second demand is read as the failure it is. */
  readonly #nonceRetries = new WeakSet<Step>();
  #stepCount = 0;
  /** The plain-http warning of the issuer it was worked out for: every step carries it, the issuer rarely changes. */
  #plainHttp: { issuer: string; warnings: string[] } | undefined;
  #transport: Transport | undefined;
  #started = 0;

  constructor(readonly options: RunOptions) {
    const { profile } = options;
    const issuer = issuerOf(profile);
    this.endpoints = isPingOne(profile) ? pingOneEndpoints(profile) : { issuer, discovery: issuer, token: '' };
    this.run = {
      id: randomValue(9),
      profile: { id: profile.id, name: profile.name, issuer, clientId: profile.clientId },
      status: 'running',
      startedAt: new Date().toISOString(),
      steps: [],
    };
  }

  get profile(): Profile {
    return this.options.profile;
  }

  get secrets(): Secrets {
    return this.options.secrets;
  }

  /** PingOne's own endpoints (flows API, resume); only a PingOne profile has them. */
  get pingOne(): PingOneEndpoints {
    if (!isPingOne(this.profile)) throw new FlowError(Codes.INVALID_PROFILE, 'Headless sign-on uses PingOne\'s flows API; this profile names another issuer.', 'Sign on in the browser (signOn "browser").');
    return { ...pingOneEndpoints(this.profile), ...definedOf(this.endpoints) };
  }

  emit(event: RunEvent): void {
    this.options.onEvent?.(structuredClone(event));
  }

  /**
   * Runs `body` as one phase of the run (the grant, or one follow-up): the run is `running` meanwhile and
   * ends succeeded, failed or cancelled, with `run/finished` sent each time. Never throws for a failure.
   */
  async phase(body: () => Promise<void>): Promise<Run> {
    const { run } = this;
    this.#started = performance.now();
    if (run.steps.length) {
      run.status = 'running';
      delete run.error;
    } else this.emit({ type: 'run/started', run });
    const jar = this.jar;
    const { profile, clientCert } = this.options;
    const clientKey = this.secrets.clientKey;
    this.#transport = new Transport({
      jar,
      timeoutMs: this.options.timeoutMs,
      maxBodyBytes: this.options.maxBodyBytes,
      rejectUnauthorized: !profile.insecureTls,
      network: {
        proxy: proxyForProfile(profile.proxy, this.options.network?.proxy),
        ca: this.options.network?.ca,
        ...(clientCert && clientKey ? { clientCertificate: { cert: clientCert, key: clientKey } } : {}),
      },
    });
    try {
      await body();
      run.status = 'succeeded';
    } catch (error) {
      const stepError = toStepError(this.options.signal?.aborted ? new Cancelled() : error);
      run.status = stepError.code === Codes.CANCELLED ? 'cancelled' : 'failed';
      run.error = stepError;
    } finally {
      await this.#transport.close();
      this.#transport = undefined;
      run.duration = (run.duration ?? 0) + Math.round(performance.now() - this.#started);
      this.emit({ type: 'run/finished', run });
    }
    return run;
  }

  /**
   * Reads the issuer's metadata. An issuer profile must have it (OpenID form first, then RFC 8414's); a
   * PingOne profile reads its environment's and falls back on the documented paths when the answer is
   * not a usable document (an unreachable environment fails the step).
   */
  async discover(): Promise<void> {
    const { profile } = this;
    const issuer = this.endpoints.issuer;
    if (isPingOne(profile)) {
      const documented = pingOneEndpoints(profile);
      await this.step('discovery', 'Discovery', async (step) => {
        const found = await this.readDiscovery(step, issuer, 'openid').catch((error: unknown) => {
          // Only an answer that is not a usable document falls back: when the environment cannot be reached
          // at all (network, TLS, proxy, timeout), every other step would fail the same way, so this one does.
          const answered = step.exchange?.response !== undefined;
          if (this.options.signal?.aborted || !answered || (error instanceof FlowError && error.code === Codes.DISCOVERY_ISSUER_MISMATCH)) throw error;
          step.warnings.push(`The discovery document could not be read (${errorMessage(error)}); the run uses PingOne's documented paths.`);
          return undefined;
        });
        this.endpoints = { ...documented, ...definedOf(found?.endpoints ?? {}) };
      });
      return;
    }
    const openid = await this.step('discovery', 'Discovery (OpenID Connect)', async (step) =>
      this.readDiscovery(step, issuer, 'openid').catch((error: unknown) => {
        // Only "nothing here" sends the run to the other well-known path; any other answer is the issuer's.
        if (!(error instanceof FlowError) || step.exchange?.response?.status !== 404) throw error;
        step.warnings.push('Nothing at the OpenID Connect path (404); the run tries the RFC 8414 path next.');
        return undefined;
      }),
    );
    const found = openid ?? (await this.step('discovery', 'Discovery (RFC 8414)', (step) => this.readDiscovery(step, issuer, 'rfc8414')));
    this.endpoints = found.endpoints;
  }

  private async readDiscovery(step: Step, issuer: string, form: DiscoveryForm): Promise<Discovered> {
    const found = readDiscoveryResponse(await this.send(step, buildDiscoveryRequest(issuer, form)), issuer);
    this.metadata = found.metadata;
    const named = Object.entries(found.endpoints).filter(([key]) => key !== 'issuer' && key !== 'discovery');
    step.facts.issuer = issuer;
    step.facts.endpoints = named.map(([key]) => key).join(', ');
    if (found.ignored.length) step.warnings.push(`Ignored, not absolute http(s) URLs: ${found.ignored.join(', ')}.`);
    return found;
  }

  /** An endpoint the run needs, or a failed step that says the issuer does not have it. */
  endpoint(name: Exclude<keyof Endpoints, 'issuer' | 'discovery'>, field: string): string {
    const url = this.endpoints[name];
    if (!url) {
      throw new FlowError(Codes.NO_ENDPOINT, `${this.endpoints.issuer} names no ${field}.`, `Check the issuer's discovery document (${this.endpoints.discovery}): ${field} is missing, so this step cannot run.`);
    }
    return url;
  }

  async jwks(): Promise<JSONWebKeySet> {
    this.#jwks ??= await this.step('jwks', 'Signing keys (JWKS)', async (step) => {
      const keys = readJwksResponse(await this.send(step, buildJwksRequest(this.endpoint('jwks', 'jwks_uri'))));
      step.facts.keys = keys.keys.map((k) => `${k.kid ?? '(no kid)'} ${k.kty}${k.alg ? ` ${k.alg}` : ''}`).join(', ');
      return keys;
    });
    return this.#jwks;
  }

  /**
   * The client's authentication for a request to `endpoint` (RFC 6749 §2.3), its signed assertion shown
   * decoded on the step. A fresh assertion each time, replacing the step's last one: its jti may be
   * used once (RFC 7523 §3).
   */
  async authenticate(step: Step, endpoint: string): Promise<ClientAuthentication> {
    const auth = await clientAuthentication(this.profile, this.secrets, endpoint);
    if (auth.assertion) step.tokens = [...step.tokens.filter((t) => t.kind !== 'client_assertion'), decodeToken(auth.assertion, 'client_assertion')];
    return auth;
  }

  /** Keeps the tokens of a token response, each replacing the one it renews. */
  hold(tokens: TokenSet): void {
    for (const field of ['access_token', 'token_type', 'refresh_token', 'id_token', 'scope'] as const) {
      const value = tokens[field];
      if (typeof value === 'string') this.tokens[field] = value;
    }
  }

  async ask<Q extends Question>(question: Q): Promise<Answers[Q['kind']]> {
    if (!this.options.ask) {
      const what = { credentials: 'a username and password', otp: 'a one-time code', device: 'a device choice', newPassword: 'a new password', redirectUrl: 'the URL the browser was sent to' }[question.kind];
      const hint = question.kind === 'redirectUrl' ? 'Run on a terminal to paste the URL, or where the redirect URI\'s loopback port can be listened on.' : 'Pass it on the command line (--username/--password) or run interactively.';
      throw new FlowError(Codes.NEEDS_INPUT, `The flow needs ${what}, and this run has no way to ask for it.`, hint);
    }
    const answer = await this.options.ask(question);
    if (answer === undefined) throw new Cancelled();
    return answer;
  }

  /** This run's DPoP key (RFC 9449), made on first use; its private half never leaves it. */
  dpopKey(): Promise<DpopKey> {
    this.#dpopKey ??= DpopKey.generate();
    return this.#dpopKey;
  }

  /**
   * Adds a fresh DPoP proof to a request that needs one (see proofTarget), with the origin's latest
   * nonce, and shows it decoded on the step (the proof of the step's last request only).
   */
  private async withProof(step: Step, request: HttpRequest): Promise<HttpRequest> {
    const target = this.profile.dpop ? proofTarget(request, this.endpoints.token) : undefined;
    if (!target) return request;
    const key = await this.dpopKey();
    const nonce = this.#dpopNonces.get(new URL(request.url).origin);
    const proof = await key.proof({ htm: request.method, htu: request.url, nonce, accessToken: target.accessToken });
    step.tokens = [...step.tokens.filter((t) => t.kind !== 'dpop_proof'), decodeToken(proof, 'dpop_proof')];
    step.facts.dpop_jkt = key.thumbprint;
    if (nonce) step.facts.dpop_nonce = nonce;
    else delete step.facts.dpop_nonce;
    return { ...request, headers: [...(request.headers ?? []), ['dpop', proof]] };
  }

  /** Remembers the server's nonce, and asks for the step to run again when the answer demands one (once per step). */
  private dpopAnswer(step: Step, exchange: Exchange, proved: boolean): void {
    const nonce = nonceOf(exchange);
    if (nonce) this.#dpopNonces.set(new URL(exchange.request.url).origin, nonce);
    const demanded = proved ? nonceChallenge(exchange) : undefined;
    if (demanded && !this.#nonceRetries.has(step)) throw new DpopNonceRequired(demanded);
  }

  async send(step: Step, unproved: HttpRequest): Promise<Exchange> {
    const transport = this.#transport;
    if (!transport) throw new Error('send outside a phase');
    const request = await this.withProof(step, unproved);
    // Redacted as the run is: every secret marked so far on any step, and this request's own.
    const log = (line: string) => this.options.log?.(secretReplacer([...runMarks(this.run), ...(request.secrets ?? [])])(line));
    const via = transport.proxyFor(request.url);
    if (via) {
      step.facts.proxy = `${via.proxy} (from ${via.source})`;
      if (this.options.network?.proxy?.strictSSL === false) step.warnings.push('TLS certificate verification is off for requests through the proxy (http.proxyStrictSSL is false).');
    }
    log(`→ ${request.method} ${request.url}${via ? ` via ${via.proxy}` : ''}`);
    let exchange: Exchange;
    try {
      exchange = await transport.send(request, this.options.signal);
      step.exchange = exchange;
      log(`← ${exchange.response?.status} ${request.url} (${exchange.timing.total} ms)`);
    } catch (error) {
      if (error instanceof FlowError && error.exchange) step.exchange = error.exchange;
      log(`✗ ${request.url}: ${errorMessage(error)}`);
      throw error;
    }
    if (this.profile.dpop) this.dpopAnswer(step, exchange, request !== unproved);
    return exchange;
  }

  /**
   * Runs `body` as one recorded step: started event, then finished or failed. A failed check fails the step.
   *
   * When a request of the step is answered with a demand for a DPoP nonce (RFC 9449 §8–9), the step ends
   * there, succeeded, titled "… (DPoP nonce required)" with the nonce as a fact and the demand as its
   * exchange; then the step runs again, as a new step, with the nonce in its proofs. A second demand
   * fails that step as the server's error.
   */
  async step<T>(kind: StepKind, title: string, body: (step: Step) => Promise<T>): Promise<T> {
    return this.recordStep(kind, title, body, false);
  }

  private async recordStep<T>(kind: StepKind, title: string, body: (step: Step) => Promise<T>, nonceRetry: boolean): Promise<T> {
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
      warnings: [...(this.profile.insecureTls ? ['TLS certificate verification is off for this environment.'] : []), ...this.#plainHttpWarnings()],
    };
    if (nonceRetry) this.#nonceRetries.add(step);
    this.run.steps.push(step);
    this.emit({ type: 'step/started', runId: this.run.id, step });
    try {
      const result = await body(step);
      const failed = step.checks.find((c) => c.status === 'failed');
      if (failed) throw new FlowError(Codes.CHECK_FAILED, `${failed.name} check failed: ${failed.detail.replace(/\.$/, '')}.`, CHECK_HINTS[failed.code]);
      step.status = 'succeeded';
      step.duration = Math.round(performance.now() - started);
      this.emit({ type: 'step/finished', runId: this.run.id, step });
      return result;
    } catch (error) {
      step.duration = Math.round(performance.now() - started);
      if (error instanceof DpopNonceRequired && !this.options.signal?.aborted) {
        step.title = `${title.replace(/\s*\(.*$/, '')} (DPoP nonce required)`;
        step.facts.dpop_nonce = error.nonce;
        step.status = 'succeeded';
        this.emit({ type: 'step/finished', runId: this.run.id, step });
        return this.recordStep(kind, title, body, true);
      }
      step.status = 'failed';
      step.error = toStepError(this.options.signal?.aborted ? new Cancelled() : error);
      this.emit({ type: 'step/failed', runId: this.run.id, step });
      throw error;
    }
  }

  #plainHttpWarnings(): string[] {
    const { issuer } = this.endpoints;
    if (this.#plainHttp?.issuer !== issuer) this.#plainHttp = { issuer, warnings: plainHttpWarnings(this.endpoints) };
    return this.#plainHttp.warnings;
  }

  /**
   * Sends a request a person edited from one of this run's (the timeline's "Edit and resend") as a new
   * `resend` step, in a phase of its own with the run's transport settings: its `$VARIABLE`s become the
   * run's secrets again (core/resend.ts), and the answer is recorded, not acted on.
   */
  resend(edited: EditedRequest): Promise<Run> {
    return this.phase(async () => {
      await this.step('resend', `Resend: ${edited.method} ${withoutQuery(edited.url)}`, async (step) => {
        const { request, unknown } = buildResendRequest(edited, [...inputMarks(this.secrets), ...runMarks(this.run)]);
        if (unknown.length) step.warnings.push(`${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} no secret this run holds: sent as typed.`);
        readResendResponse(await this.send(step, request));
      });
    });
  }

  /** The verified form of tokens a step received, with the failed checks of each on the step. */
  recordTokens(step: Step, tokens: DecodedToken[]): void {
    step.tokens.push(...tokens);
    for (const token of tokens.filter((t) => t.verified === false)) {
      const failed = token.checks.filter((c) => c.status === 'failed');
      step.checks.push(...failed.map((c) => ({ ...c, name: `${token.kind}: ${c.name}` })));
    }
  }
}

/** A server demanded a DPoP nonce (RFC 9449 §8–9): the step is to run again with it. Never leaves {@link RunSession.step}. */
class DpopNonceRequired extends Error {
  constructor(readonly nonce: string) {
    super('The server asks for a DPoP nonce.');
    this.name = 'DpopNonceRequired';
  }
}

/** The fields of an object that hold a value, so spreading it does not erase what another object had. */
function definedOf<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
