/**
 * The two pages a person sees when running a flow from a browser: the sign-on page that authorize
 * and the device verification URI redirect to (`/{{envID}}/signon/?flowId=`), and the `/callback`
 * page that shows what the client received. The sign-on page is plain HTML forms driving the same
 * flow actions as the flows API, the device authorization grant's user code and consent included
 * (RFC 8628 §3.3).
 */
import type { Flow, FlowStatus, SandboxContext } from './context';
import { ACTIONS_BY_STATUS, flowApp, resumeUrl, touchFlow, type FlowAction } from './flow';
import { performAction, type ActionBody } from './flow-actions';
import { carriesSessionCookie } from './flows-api';
import { escapeHtml, hiddenInputs, htmlPage } from './html';
import { parseForm, redirect, type Reply, type SandboxRequest } from './http';

interface FormSpec {
  action: FlowAction;
  button: string;
  /** `value` pre-fills the input from the flow. */
  fields: Array<{ name: string; label: string; type: 'text' | 'password'; value?: (flow: Flow) => string | undefined }>;
}

const PRIMARY_FORM: Partial<Record<Flow['status'], FormSpec>> = {
  USERNAME_PASSWORD_REQUIRED: {
    action: 'usernamePassword.check',
    button: 'Sign on',
    fields: [{ name: 'username', label: 'Username', type: 'text' }, { name: 'password', label: 'Password', type: 'password' }],
  },
  SIGN_ON_REQUIRED: { action: 'user.lookup', button: 'Next', fields: [{ name: 'username', label: 'Username', type: 'text' }] },
  PASSWORD_REQUIRED: { action: 'usernamePassword.check', button: 'Sign on', fields: [{ name: 'password', label: 'Password', type: 'password' }] },
  OTP_REQUIRED: { action: 'otp.check', button: 'Verify', fields: [{ name: 'otp', label: 'One-time code (the sandbox\'s is 123456)', type: 'text' }] },
  MUST_CHANGE_PASSWORD: {
    action: 'password.reset',
    button: 'Change password',
    fields: [{ name: 'currentPassword', label: 'Current password', type: 'password' }, { name: 'newPassword', label: 'New password', type: 'password' }],
  },
  RECOVERY_CODE_REQUIRED: {
    action: 'password.recover',
    button: 'Set password',
    fields: [{ name: 'recoveryCode', label: 'Recovery code (123456)', type: 'text' }, { name: 'newPassword', label: 'New password', type: 'password' }],
  },
  DAG_USER_CODE_REQUIRED: {
    action: 'deviceAuthGrant.userCode.verify',
    button: 'Next',
    fields: [{ name: 'userCode', label: 'The code your device shows', type: 'text', value: (flow) => (flow.purpose.kind === 'device' ? flow.purpose.prefilledUserCode : undefined) }],
  },
};

/** How a device flow ends, shown in place of a form; an authorize flow goes on to /as/resume instead. */
const DEVICE_OUTCOMES: Partial<Record<FlowStatus, string>> = {
  COMPLETED: 'The device is connected: it receives its tokens the next time it asks. You can close this page.',
  FAILED: 'You denied the device access. You can close this page.',
};

export function handleSignOnPage(ctx: SandboxContext, req: SandboxRequest): Reply {
  const flowId = req.url.searchParams.get('flowId') ?? '';
  const flow = ctx.state.flows.get(flowId);
  if (!flow) return htmlPage(404, 'Sign-on expired', '<p>This sign-on flow does not exist or has expired. Start again from the application.</p>');
  if (!carriesSessionCookie(req, flow)) {
    return htmlPage(403, 'Cookies needed', '<p>This browser does not hold the session cookie of this flow. Start again from the application in this browser.</p>');
  }
  touchFlow(ctx, flow.id);
  let error: string | undefined;
  if (req.method === 'POST') {
    error = submit(ctx, flow, req);
    // Post/redirect/get, so a reload does not repeat the action.
    if (!error) return redirect(resumesNow(flow) ? resumeUrl(ctx, flow) : req.url.pathname + req.url.search);
  } else if (resumesNow(flow)) {
    return redirect(resumeUrl(ctx, flow));
  }
  return htmlPage(error ? 400 : 200, pageTitle(flow), renderForms(flow, error));
}

function resumesNow(flow: Flow): boolean {
  return flow.status === 'COMPLETED' && flow.purpose.kind === 'authorize';
}

function pageTitle(flow: Flow): string {
  const name = flowApp(flow)?.name;
  if (flow.purpose.kind === 'authorize') return `Sign on to ${name}`;
  return name ? `Connect a device to ${name}` : 'Connect a device';
}

/** Runs the posted action; answers the error message to show, if any. */
function submit(ctx: SandboxContext, flow: Flow, req: SandboxRequest): string | undefined {
  const form = parseForm(req);
  if (!form.ok) return form.description;
  const action = form.params.get('action') as FlowAction | undefined;
  if (!action || !ACTIONS_BY_STATUS[flow.status].includes(action)) return 'That step is no longer available; the form below is the current one.';
  const body: ActionBody = Object.fromEntries([...form.params].filter(([name]) => name !== 'action'));
  if (action === 'device.select') body.device = { id: form.params.get('device') };
  // The Approve and Deny buttons post accept=true or accept=false; the JSON action takes a boolean.
  const accept = form.params.get('accept');
  if (action === 'deviceAuthGrant.consent' && (accept === 'true' || accept === 'false')) body.accept = accept === 'true';
  const failure = performAction(ctx, flow, action, body);
  if (!failure) return undefined;
  const parsed = JSON.parse(failure.body) as { message?: string; details?: Array<{ message?: string }> };
  return parsed.details?.[0]?.message ?? parsed.message ?? 'The step failed.';
}

function renderForms(flow: Flow, error: string | undefined): string {
  const parts = [error ? `<p class="error">${escapeHtml(error)}</p>` : ''];
  const signedOn = flow.status === 'COMPLETED' || flow.status === 'FAILED' || flow.status.startsWith('DAG_');
  if (flow.identifier && flow.status !== 'SIGN_ON_REQUIRED') parts.push(`<p>${signedOn ? 'Signed on' : 'Signing on'} as <b>${escapeHtml(flow.identifier)}</b>.</p>`);
  const spec = PRIMARY_FORM[flow.status];
  if (spec) {
    const inputs = spec.fields
      .map((field) => {
        const autocomplete = field.type === 'password' ? 'current-password' : field.name === 'username' ? 'username' : 'off';
        const value = field.value?.(flow);
        const valueAttribute = value === undefined ? '' : ` value="${escapeHtml(value)}"`;
        return `<label>${escapeHtml(field.label)}<input name="${field.name}" type="${field.type}" autocomplete="${autocomplete}"${valueAttribute} required></label>`;
      })
      .join('');
    parts.push(`<form method="post">${hiddenInputs({ action: spec.action })}${inputs}<button>${escapeHtml(spec.button)}</button></form>`);
  }
  if (flow.status === 'DEVICE_SELECTION_REQUIRED') {
    const devices = flow.user!.devices
      .map((device, index) => `<label><input type="radio" name="device" value="${escapeHtml(device.id)}"${index === 0 ? ' checked' : ''}> ${device.type} ${escapeHtml(device.display)}</label>`)
      .join('');
    parts.push(`<form method="post">${hiddenInputs({ action: 'device.select' })}${devices}<button>Send code</button></form>`);
  }
  if (flow.status === 'DAG_CONSENT_REQUIRED' && flow.purpose.kind === 'device') {
    const { app, scopes, userCode } = flow.purpose.authorization!;
    parts.push(
      `<p>The device showing <code>${escapeHtml(userCode)}</code> asks to use <b>${escapeHtml(app.name)}</b> as <b>${escapeHtml(flow.user!.username)}</b>, ` +
        `with the scopes <code>${escapeHtml(scopes.join(' '))}</code>.</p>` +
        `<form method="post">${hiddenInputs({ action: 'deviceAuthGrant.consent' })}<button name="accept" value="true">Approve</button> <button name="accept" value="false">Deny</button></form>`,
    );
  }
  const outcome = flow.purpose.kind === 'device' ? DEVICE_OUTCOMES[flow.status] : undefined;
  if (outcome) parts.push(`<p>${escapeHtml(outcome)}</p>`);
  if (ACTIONS_BY_STATUS[flow.status].includes('session.reset')) {
    parts.push(`<form method="post">${hiddenInputs({ action: 'session.reset' })}<button>Start over</button></form>`);
  }
  return parts.join('');
}

/** `/callback`: shows the authorization response (query, form_post body, or the fragment via script). */
export function handleCallbackPage(req: SandboxRequest): Reply {
  const form = req.method === 'POST' ? parseForm(req) : undefined;
  const params = form?.ok ? [...form.params] : [...req.url.searchParams];
  const rows = params.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd><code>${escapeHtml(value)}</code></dd>`).join('');
  const body = (rows ? `<dl>${rows}</dl>` : '<p>No parameters in the query or body.</p>') + '<p>Fragment: <code id="fragment">(none)</code></p>';
  return htmlPage(200, 'Authorization response', body, "if(location.hash.length>1)document.getElementById('fragment').textContent=location.hash.slice(1);");
}
