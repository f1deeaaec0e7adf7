/**
 * The device authorization grant (RFC 8628) as steps: the device authorization request (§3.1–3.2),
 * the person told where to go and which code to enter (§3.3, through the host), then the token
 * endpoint polled until they decide (§3.4–3.5). The polls are one step, not one each: a person may
 * take minutes, and the timeline would fill with identical cards. The step counts them, and its
 * exchange is the last one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors';
import { buildDeviceAuthorizationRequest, buildDeviceTokenRequest, pollForTokens, readDeviceAuthorizationResponse, type DeviceAuthorization } from '../oauth/device';
import type { RunSession } from '../session';
import { receiveTokens } from './tokens';

export async function deviceCode(session: RunSession): Promise<void> {
  const { profile } = session;
  const authorization = await session.step('deviceAuthorization', `Device authorization (${profile.clientAuthMethod})`, async (step) => {
    const endpoint = session.endpoint('deviceAuthorization', 'device_authorization_endpoint');
    const auth = await session.authenticate(step, endpoint);
    const result = readDeviceAuthorizationResponse(await session.send(step, buildDeviceAuthorizationRequest(endpoint, profile.scopes, auth)));
    Object.assign(step.facts, {
      user_code: result.userCode,
      verification_uri: result.verificationUri,
      ...(result.verificationUriComplete ? { verification_uri_complete: result.verificationUriComplete } : {}),
      expires_in: `${result.expiresIn} s`,
      interval: result.intervalGiven ? `${result.interval} s` : `${result.interval} s (RFC 8628's default: the server named none)`,
    });
    return result;
  });
  const opening = tellThePerson(session, authorization);

  await session.step('token', 'Token (device_code, polling)', async (step) => {
    void opening.then((warning) => warning && step.warnings.push(warning));
    const tokenEndpoint = session.endpoint('token', 'token_endpoint');
    const tokens = await pollForTokens({
      authorization,
      poll: async () => {
        // A fresh assertion per poll: its jti may be used once (RFC 7523 §3).
        return session.send(step, buildDeviceTokenRequest(tokenEndpoint, authorization.deviceCode, await session.authenticate(step, tokenEndpoint)));
      },
      sleep: (ms) => sleep(ms, undefined, { signal: session.options.signal }),
      now: Date.now,
      types: { dpop: profile.dpop },
      onPoll: (progress) => {
        step.facts.polls = String(progress.polls);
        step.facts.last_answer = progress.lastAnswer ?? '';
        step.facts.interval = `${progress.interval} s`;
      },
    });
    await receiveTokens(session, step, tokens, { idTokenRequired: profile.scopes.includes('openid') });
  });
}

/**
 * Shows the code and opens the verification page (the complete URI when there is one, so the code is
 * filled in). The run does not wait for the browser: the code is ticking. Resolves to a warning when
 * the page could not be opened.
 */
async function tellThePerson(session: RunSession, authorization: DeviceAuthorization): Promise<string | undefined> {
  const host = session.options.host;
  const { userCode, verificationUri, verificationUriComplete, expiresIn } = authorization;
  const url = verificationUriComplete ?? verificationUri;
  try {
    host?.show?.({ kind: 'device', userCode, verificationUri, ...(verificationUriComplete ? { verificationUriComplete } : {}), expiresIn });
    await host?.openUrl?.(url, 'device');
    return undefined;
  } catch (error) {
    return `The verification page could not be opened (${errorMessage(error)}); open ${url} and enter ${userCode}.`;
  }
}
