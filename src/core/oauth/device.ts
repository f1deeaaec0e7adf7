/**
 * The device authorization grant (RFC 8628): the device authorization request and its response
 * (§3.1–3.2), the token request the device polls with (§3.4), how each poll's answer is read (§3.5),
 * and the polling itself — wait `interval` seconds (5 when the server names none), five more after
 * each `slow_down`, keep going on `authorization_pending`, stop at `expires_in`.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Exchange } from '../model';
import type { ClientAuthentication } from './clientAuth';
import { expectJsonObject, failureFrom, isOAuthError, responseOf } from './responses';
import { buildGrantRequest, readTokenResponse, type TokenSet, type TokenTypes } from './token';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8628 §3.2: the interval a client uses when the response names none. */
export const DEFAULT_INTERVAL_SEC = 5;
/** RFC 8628 §3.5: what `slow_down` adds to the interval. */
export const SLOW_DOWN_STEP_SEC = 5;

/** RFC 8628 §3.1: the client's authentication (or its client_id alone) and the scope. */
export function buildDeviceAuthorizationRequest(endpoint: string, scopes: string[], auth: ClientAuthentication): HttpRequest {
  const params: [string, string][] = scopes.length ? [['scope', scopes.join(' ')]] : [];
  return {
    method: 'POST',
    url: endpoint,
    headers: [['content-type', 'application/x-www-form-urlencoded'], ['accept', 'application/json'], ...auth.headers],
    body: new URLSearchParams([...auth.params, ...params]).toString(),
    secrets: auth.secrets,
  };
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds the device code lives. */
  expiresIn: number;
  /** Seconds between polls; the response's, or {@link DEFAULT_INTERVAL_SEC}. */
  interval: number;
  /** Whether the server named the interval. */
  intervalGiven: boolean;
}

/** RFC 8628 §3.2. The device_code is marked as the response's secret before anything else is read. */
export function readDeviceAuthorizationResponse(exchange: Exchange): DeviceAuthorization {
  const response = responseOf(exchange);
  if (response.status !== 200) throw failureFrom(response, 'the device authorization response', 'Check that the application may use the device grant and that the scopes are granted to it.');
  const json = expectJsonObject(response, 'the device authorization response');
  if (typeof json.device_code === 'string' && json.device_code) {
    response.secrets.push({ variable: 'DEVICE_CODE', value: json.device_code, describe: 'the device_code of this device authorization' });
  }
  const missing: string[] = ['device_code', 'user_code', 'verification_uri'].filter((field) => typeof json[field] !== 'string' || !json[field]);
  if (typeof json.expires_in !== 'number' || !(json.expires_in > 0)) missing.push('expires_in');
  if (missing.length) {
    throw new FlowError(
      Codes.INVALID_DEVICE_RESPONSE,
      `The device authorization response lacks ${missing.join(', ')}.`,
      'RFC 8628 §3.2 requires device_code, user_code, verification_uri and expires_in; check the server.',
      { detail: json },
    );
  }
  const interval = typeof json.interval === 'number' && json.interval > 0 ? json.interval : undefined;
  return {
    deviceCode: json.device_code as string,
    userCode: json.user_code as string,
    verificationUri: json.verification_uri as string,
    ...(typeof json.verification_uri_complete === 'string' && json.verification_uri_complete ? { verificationUriComplete: json.verification_uri_complete } : {}),
    expiresIn: json.expires_in as number,
    interval: interval ?? DEFAULT_INTERVAL_SEC,
    intervalGiven: interval !== undefined,
  };
}

/** RFC 8628 §3.4: the poll, with the device_code marked as a secret. */
export function buildDeviceTokenRequest(tokenEndpoint: string, deviceCode: string, auth: ClientAuthentication): HttpRequest {
  return buildGrantRequest(tokenEndpoint, [['grant_type', DEVICE_CODE_GRANT], ['device_code', deviceCode]], auth, [
    { variable: 'DEVICE_CODE', value: deviceCode, describe: 'the device_code of this device authorization' },
  ]);
}

/** What one poll heard: the tokens, or a reason to poll again. */
export type DevicePoll = { answer: 'tokens'; tokens: TokenSet } | { answer: 'authorization_pending' | 'slow_down' };

/**
 * RFC 8628 §3.5: `authorization_pending` and `slow_down` mean poll again; `expired_token` and
 * `access_denied` end the grant with codes of their own; any other answer is read as a token response.
 */
export function readDevicePollResponse(exchange: Exchange, types?: TokenTypes): DevicePoll {
  const response = responseOf(exchange);
  const json = response.json;
  if (response.status === 400 && isOAuthError(json)) {
    switch (json.error) {
      case 'authorization_pending':
      case 'slow_down':
        return { answer: json.error };
      case 'expired_token':
        throw expired(`The device code expired before the person approved it${json.error_description ? ` (${json.error_description})` : ''}.`, json);
      case 'access_denied':
        throw new FlowError(
          Codes.DEVICE_ACCESS_DENIED,
          `The person denied the device authorization${json.error_description ? ` (${json.error_description})` : ''}.`,
          'Run the flow again and approve the request on the verification page, or check the sign-on policy if nobody denied it.',
          { detail: json },
        );
    }
  }
  return { answer: 'tokens', tokens: readTokenResponse(exchange, types) };
}

function expired(message: string, detail?: unknown): FlowError {
  return new FlowError(
    Codes.DEVICE_CODE_EXPIRED,
    message,
    'Run the flow again and enter the new user code on the verification page before it expires (expires_in).',
    detail === undefined ? undefined : { detail },
  );
}

export interface PollProgress {
  polls: number;
  /** The last poll's answer: `tokens`, the OAuth error code (`authorization_pending`, `slow_down`…) or the status. */
  lastAnswer?: string;
  /** Seconds between polls now. */
  interval: number;
}

export interface PollOptions {
  authorization: Pick<DeviceAuthorization, 'interval' | 'expiresIn'>;
  /** Sends one poll and returns what came back. */
  poll: () => Promise<Exchange>;
  /** Waits this long (or throws when the run is cancelled meanwhile). */
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds clock; the device code's life counts from the first call. */
  now: () => number;
  types?: TokenTypes;
  /** Told after every poll, for the step's facts. */
  onPoll?: (progress: PollProgress) => void;
}

/**
 * Polls until the person decides or the code expires (RFC 8628 §3.4–3.5). Each poll waits the interval
 * first (nobody approves in the instant the code is shown); no poll is sent after `expires_in`.
 */
export async function pollForTokens(options: PollOptions): Promise<TokenSet> {
  const { authorization } = options;
  const deadline = options.now() + authorization.expiresIn * 1000;
  const progress: PollProgress = { polls: 0, interval: authorization.interval };
  for (;;) {
    if (options.now() + progress.interval * 1000 > deadline) {
      throw expired(`The device code expired (expires_in ${authorization.expiresIn} s) before the person approved it; ${progress.polls} poll${progress.polls === 1 ? '' : 's'} heard no decision.`);
    }
    await options.sleep(progress.interval * 1000);
    const exchange = await options.poll();
    progress.polls += 1;
    progress.lastAnswer = answerOf(exchange);
    if (progress.lastAnswer === 'slow_down') progress.interval += SLOW_DOWN_STEP_SEC;
    options.onPoll?.({ ...progress });
    const result = readDevicePollResponse(exchange, options.types);
    if (result.answer === 'tokens') return result.tokens;
  }
}

/** A poll's answer in one word: the OAuth error code, `tokens` for a 200, else the status. */
function answerOf(exchange: Exchange): string {
  const response = responseOf(exchange);
  if (isOAuthError(response.json)) return response.json.error;
  return response.status === 200 ? 'tokens' : `HTTP ${response.status}`;
}
