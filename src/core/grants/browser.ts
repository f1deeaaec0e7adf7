/**
 * Sign-on in the person's browser (RFC 8252 §7.3, RFC 6749 §4.1.1–4.1.2): the authorize URL is opened
 * through the host, the browser's redirect is caught by a loopback listener on the redirect URI
 * (src/core/oauth/loopback.ts), and the authorization response is read for its code with the state and
 * `iss` checks (RFC 9207). When the listener cannot run (the redirect URI is not loopback, its port is
 * taken), the host can open no browser, or the person prefers it, the person pastes the URL the browser
 * ended on instead.
 *
 * The `browser` step records the callback as the browser sent it (method, URL, headers) with the page
 * the listener answered, so the timeline shows it like any other request; the code in it is marked as
 * a secret, which redacts it wherever it appears (the token request included).
 */
import { Codes } from '../codes';
import { errorMessage, FlowError } from '../errors';
import type { Exchange, SecretMark, Step } from '../model';
import { buildAuthorizeRequest, readAuthorizationResponse } from '../oauth/authorize';
import { decodeToken } from '../oauth/jwt';
import { listenOnLoopback, type LoopbackCallback, type LoopbackListener } from '../oauth/loopback';
import type { RunSession } from '../session';
import { pushedAuthorizeRequest, type AuthorizeState } from './pushed';

/** Why the listener could not be used; the run asks for the pasted URL instead. */
const LISTENER_REFUSALS: ReadonlySet<string> = new Set([Codes.REDIRECT_NOT_LOOPBACK, Codes.LOOPBACK_PORT_IN_USE, Codes.LOOPBACK_UNAVAILABLE]);

export async function signOnInBrowser(session: RunSession, sent: AuthorizeState, facts: Record<string, string>): Promise<string> {
  const requestUri = await pushedAuthorizeRequest(session, sent);
  const authorizeUrl = await session.step('authorize', `Authorize (opened in the browser${requestUri ? ', pushed' : ''})`, async (step) => {
    Object.assign(step.facts, facts, requestUri ? { request_uri: requestUri } : {});
    const url = await browserAuthorizeUrl(session, sent, step, requestUri);
    step.facts.authorize_url = url;
    return url;
  });
  return session.step('browser', 'Sign on in the browser', async (step) => {
    const redirectUri = session.profile.redirectUri;
    step.facts.redirect_uri = redirectUri;
    const expected = { state: sent.state, issuer: session.endpoints.issuer };
    const received = await receiveRedirect(session, step, authorizeUrl, redirectUri, expected);
    const url = URL.parse(received.url);
    if (!url) {
      throw new FlowError(Codes.INVALID_LOCATION, `${JSON.stringify(received.url.slice(0, 80))} is not a URL.`, 'Paste the whole address from the browser\'s address bar, starting with http:// or https://.');
    }
    const code = url.searchParams.get('code');
    // Recorded before it is read, so a refused response still shows (with its code redacted).
    step.exchange = callbackExchange(received, code ? [{ variable: 'AUTHORIZATION_CODE', value: code, describe: 'the authorization code the browser brought back' }] : []);
    step.facts.callback = url.href;
    const result = readAuthorizationResponse(url.searchParams, expected, responseContext(received, redirectUri));
    step.checks.push(...result.checks);
    return result.code;
  });
}

/**
 * The URL the browser opens. With pushed parameters (RFC 9126 §4) it carries only client_id and the
 * request_uri.
 */
async function browserAuthorizeUrl(session: RunSession, sent: AuthorizeState, step: Step, requestUri: string | undefined): Promise<string> {
  const { profile, secrets } = session;
  if (profile.authorizeMethod === 'POST') step.warnings.push('The profile sends authorize as POST; a browser is sent there with GET, so the parameters travel in the URL\'s query.');
  const endpoints = { issuer: session.endpoints.issuer, authorize: session.endpoint('authorize', 'authorization_endpoint') };
  const { request, requestObject } = await buildAuthorizeRequest({
    profile: { ...profile, authorizeMethod: 'GET' },
    endpoints,
    state: sent.state,
    nonce: sent.nonce,
    codeChallenge: sent.pkce?.challenge,
    secrets,
    requestUri,
  });
  if (requestObject) step.tokens.push(decodeToken(requestObject, 'request_object'));
  return request.url;
}

/** How the response came back: caught on the loopback port, or pasted by the person. */
type Received = { how: 'loopback'; url: string; callback: LoopbackCallback } | { how: 'pasted'; url: string };

/** Opens the browser and waits for its redirect, or asks for the URL when it cannot be caught here. */
async function receiveRedirect(session: RunSession, step: Step, authorizeUrl: string, redirectUri: string, expected: { state: string; issuer: string }): Promise<Received> {
  const host = session.options.host;
  if (!host?.openUrl) {
    step.warnings.push('This host cannot open a browser: open the authorize URL yourself and paste the URL the browser ends on.');
    return paste(session, step, authorizeUrl, 'Open the authorize URL in a browser, sign on, then paste the URL the browser ended on.');
  }
  const openUrl = host.openUrl;
  const open = () =>
    openUrl(authorizeUrl, 'signOn').catch((error: unknown) => {
      step.warnings.push(`The browser could not be opened (${errorMessage(error)}): open the authorize URL yourself.`);
    });
  const listener = await startListener(step, redirectUri);
  if (!listener) {
    await open();
    return paste(session, step, authorizeUrl, 'The redirect cannot be received here: sign on in the browser, then paste the URL it ended on.');
  }
  const done = new AbortController();
  try {
    step.facts.received_by = `loopback listener on ${redirectUri}`;
    const external = host.externalUri ? await host.externalUri(redirectUri) : redirectUri;
    if (external !== redirectUri) {
      step.facts.redirect_uri_forwarded = external;
      step.warnings.push(
        `The redirect URI's port is forwarded: the browser reaches this machine's listener at ${external}. The authorization server still redirects to ${redirectUri}; if the browser cannot reach it, choose "Paste the URL instead".`,
      );
    }
    const problemOf = (url: URL) => {
      try {
        readAuthorizationResponse(url.searchParams, expected, { where: '', status: 'redirect' });
        return undefined;
      } catch (error) {
        return errorMessage(error);
      }
    };
    const signal = session.options.signal ? AbortSignal.any([done.signal, session.options.signal]) : done.signal;
    const caught = listener.wait({ signal, problemOf });
    // Settled either way below; a wait given up for the pasted URL must not surface as unhandled.
    caught.catch(() => undefined);
    await open();
    const pasteChosen = host.offerPaste?.({ authorizeUrl, redirectUri, signal: done.signal }).then(() => 'paste' as const);
    const first = await Promise.race([caught, ...(pasteChosen ? [pasteChosen] : [])]);
    if (first !== 'paste') return { how: 'loopback', url: first.url, callback: first };
  } finally {
    done.abort();
    await listener.close();
  }
  return paste(session, step, authorizeUrl, 'Paste the URL the browser ended on.');
}

/** The listener, or undefined with a warning when this redirect URI cannot be listened on here. */
async function startListener(step: Step, redirectUri: string): Promise<LoopbackListener | undefined> {
  try {
    return await listenOnLoopback(redirectUri);
  } catch (error) {
    if (!(error instanceof FlowError) || !LISTENER_REFUSALS.has(error.code)) throw error;
    step.warnings.push(`${error.message} ${error.hint}`);
    return undefined;
  }
}

async function paste(session: RunSession, step: Step, authorizeUrl: string, message: string): Promise<Received> {
  step.facts.received_by = 'URL pasted by the person';
  const { url } = await session.ask({ kind: 'redirectUrl', authorizeUrl, message });
  return { how: 'pasted', url };
}

/** The arguments that make readAuthorizationResponse's messages say where the response came from. */
function responseContext(received: Received, redirectUri: string): { where: string; status: string; location: string } {
  return received.how === 'loopback'
    ? { where: ` received on ${redirectUri}`, status: 'redirect to the loopback listener', location: received.url }
    : { where: ' pasted from the browser', status: 'pasted redirect', location: received.url };
}

/**
 * The callback as an exchange: what the browser sent the listener and the page it got back. A pasted
 * URL is the request alone: no response was seen.
 */
function callbackExchange(received: Received, secrets: SecretMark[]): Exchange {
  const cookies = { sent: [], set: [] };
  if (received.how === 'pasted') return { request: { method: 'GET', url: received.url, headers: [], secrets }, timing: { total: 0 }, cookies };
  const { callback } = received;
  const { response } = callback;
  return {
    request: { method: callback.method, url: callback.url, headers: callback.headers, secrets },
    response: { status: response.status, statusText: 'OK', headers: response.headers, body: response.body, size: Buffer.byteLength(response.body), secrets: [] },
    timing: { total: callback.waitedMs },
    cookies,
  };
}
