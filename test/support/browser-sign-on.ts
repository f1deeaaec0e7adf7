/**
 * A person signing on in a real browser. Given a Chromium page and an authorization request URL
 * (RFC 6749 §4.1.1) or a device verification URI (RFC 8628 §3.3), it fills whichever sign-on form the
 * server shows until the browser is sent to the redirect URI (§4.1.2) or the device flow says it
 * succeeded. Forms are recognised by their field names, so it drives both test/support/oidc-server.ts
 * (its login and consent pages, oidc-provider's device pages) and the sandbox's sign-on page
 * (src/sandbox/pages.ts). Only username/password sign-on is known; any other step times out, saying
 * what the page showed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/harness';

export interface SignOnUser {
  username: string;
  password: string;
}

export interface SignOnOptions {
  /** Where the authorization response goes. Default: the URL's redirect_uri (absent with PAR's request_uri). */
  redirectUri?: string;
  /** The user code, when `url` is a verification_uri without it (not verification_uri_complete). */
  userCode?: string;
  /** Default 15 s. */
  timeoutMs?: number;
}

export type SignOnOutcome =
  /** The browser's request to the redirect URI: the query carries the response, or `body` with form_post. */
  | { outcome: 'redirected'; url: string; method: string; body?: string }
  | { outcome: 'device-approved' };

/** Each form this fills, by the fields that identify it; the first that matches is the step. */
const FORMS = {
  password: 'form:has(input[name="password"])',
  username: 'form:has(input[name="username"])',
  consent: 'form:has(input[name="consent"])',
  userCode: 'form:has(input[name="user_code"]:not([type="hidden"]))',
  confirm: 'form:has(input[name="confirm"])',
} as const;
type Step = keyof typeof FORMS | 'deviceSuccess';

/** Headless Chromium where the e2e harness finds it, or undefined when it is not installed (skip). */
export async function launchChromium(): Promise<Browser | undefined> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) return undefined;
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true, timeout: 60_000 });
}

export async function completeSignOnInBrowser(page: Page, url: string, user: SignOnUser, options: SignOnOptions = {}): Promise<SignOnOutcome> {
  const redirectUri = options.redirectUri ?? new URL(url).searchParams.get('redirect_uri') ?? undefined;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const remaining = () => Math.max(deadline - Date.now(), 1);

  let result: SignOnOutcome | undefined;
  let settle!: (outcome: SignOnOutcome) => void;
  const reached = new Promise<SignOnOutcome>((resolve) => (settle = resolve));
  const onRequest = (request: Request) => {
    if (!redirectUri || result || !request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    if (!sameEndpoint(request.url(), redirectUri)) return;
    const body = request.postData();
    const outcome: SignOnOutcome = { outcome: 'redirected', url: request.url(), method: request.method(), ...(body === null ? {} : { body }) };
    result = outcome;
    // Settle once the page shows the redirect URI's answer (or the error page when nothing listens
    // there), so the caller can navigate the page again without interrupting this navigation.
    const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: remaining() });
    void committed.then(() => settle(outcome), () => settle(outcome));
  };
  page.on('request', onRequest);
  try {
    // Nothing need listen at the redirect URI: the request is what counts, so a failed load is no failure once it was made.
    const opened = await Promise.race([page.goto(url, { timeout: remaining() }).then(() => undefined, (error: Error) => error), reached]);
    if (result) return await reached;
    if (opened instanceof Error) throw opened;
    let previous: Step | undefined;
    for (;;) {
      const step = await Promise.race([nextStep(page, remaining()), reached]);
      // The redirect wins whatever else settled; otherwise an object here is nextStep's Error.
      if (result) return await reached;
      if (typeof step === 'object') throw step;
      if (step === 'deviceSuccess') return { outcome: 'device-approved' };
      if (step === previous) throw new Error(`the ${step} form came back after it was submitted; the page says: ${await pageText(page)}`);
      const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: remaining() }).then(
        () => undefined,
        (error: Error) => error,
      );
      await submit(page, step, user, options.userCode);
      const moved = await Promise.race([navigated, reached]);
      if (result) return await reached;
      if (moved instanceof Error) throw new Error(`nothing happened after submitting the ${step} form at ${page.url()}: ${moved.message}`);
      previous = step;
    }
  } finally {
    page.off('request', onRequest);
  }
}

/** Waits for a page this knows how to go on from; an Error (not a rejection) when none comes in time. */
async function nextStep(page: Page, timeout: number): Promise<Step | Error> {
  try {
    const found = await page.waitForFunction(
      (forms: Record<string, string>) => {
        for (const [step, selector] of Object.entries(forms)) if (document.querySelector(selector)) return step;
        const headings = [...document.querySelectorAll('h1')];
        return headings.some((h) => /success/i.test(h.textContent ?? '')) ? 'deviceSuccess' : false;
      },
      FORMS,
      { timeout, polling: 100 },
    );
    return (await found.jsonValue()) as Step;
  } catch (error) {
    return new Error(`no sign-on form or success page at ${page.url()} (${(error as Error).message.split('\n')[0]}); the page says: ${await pageText(page)}`);
  }
}

async function submit(page: Page, step: keyof typeof FORMS, user: SignOnUser, userCode: string | undefined): Promise<void> {
  const form = page.locator(FORMS[step]).first();
  if (step === 'password' || step === 'username') {
    for (const [name, value] of [['username', user.username], ['password', user.password]] as const) {
      const input = form.locator(`input[name="${name}"]`);
      if (await input.count()) await input.fill(value);
    }
  }
  if (step === 'userCode') {
    const input = form.locator('input[name="user_code"]');
    if (userCode) await input.fill(userCode);
    else if (!(await input.inputValue())) throw new Error('the page asks for the user code: pass options.userCode or open verification_uri_complete');
  }
  // As pressing the form's submit button would, without sending the button's own name (oidc-provider's
  // device confirmation has a second, named button that aborts).
  await form.evaluate((element: HTMLFormElement) => element.requestSubmit());
}

function sameEndpoint(actual: string, expected: string): boolean {
  const [a, b] = [new URL(actual), new URL(expected)];
  return a.origin === b.origin && a.pathname === b.pathname;
}

async function pageText(page: Page): Promise<string> {
  const text = await page.locator('body').innerText({ timeout: 1_000 }).catch(() => '(unreadable)');
  return JSON.stringify(text.replace(/\s+/g, ' ').trim().slice(0, 400));
}
