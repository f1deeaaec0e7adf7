/**
 * Delivers an authorization response (a code or an error) to the client the way its request asked:
 * query or fragment on a 302 (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Type Encoding Practices
 * §2), an auto-submitting form (OAuth 2.0 Form Post Response Mode §2), or JSON for pi.flow.
 */
import type { ErrorRedirect } from './authorize-request';
import { oauthErrorReply, type OAuthError } from './errors';
import { escapeHtml, hiddenInputs, htmlPage } from './html';
import { redirect, type Reply } from './http';

/** Sends `fields` to the redirect_uri; `target.responseMode` must not be pi.flow (callers answer JSON). */
export function redirectResponse(target: ErrorRedirect, fields: Record<string, string | undefined>): Reply {
  const withState = { ...fields, state: target.state };
  if (target.responseMode === 'form_post') {
    return htmlPage(
      200,
      'Returning to the application',
      `<form method="post" action="${escapeHtml(target.redirectUri)}">${hiddenInputs(withState)}<noscript><button>Continue</button></noscript></form>`,
      'document.forms[0].submit();',
    );
  }
  const encoded = new URLSearchParams(Object.entries(withState).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
  if (target.responseMode === 'fragment') return redirect(`${target.redirectUri}#${encoded}`);
  const separator = target.redirectUri.includes('?') ? '&' : '?';
  return redirect(`${target.redirectUri}${separator}${encoded}`);
}

/**
 * An authorization error: to the redirect_uri once it is trusted, otherwise (or with pi.flow) as a
 * 400 JSON body, because an untrusted redirect_uri must never receive one (RFC 6749 §4.1.2.1).
 */
export function authorizationError(error: OAuthError, target: ErrorRedirect | undefined): Reply {
  if (!target) return oauthErrorReply(400, error);
  if (target.responseMode === 'pi.flow') return oauthErrorReply(400, { ...error, ...(target.state !== undefined ? { state: target.state } : {}) });
  return redirectResponse(target, { ...error });
}
