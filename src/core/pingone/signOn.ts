/**
 * Headless sign-on through PingOne's flows API (docs/pingone.md §2): read the flow, then one action at a
 * time — chosen from its status and `_links`, with what the person types — until it is COMPLETED. A
 * refused password or code leaves the flow where it was, so the person may try again in it.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { SecretMark, Step } from '../model';
import type { Answers, Question } from '../questions';
import type { RunSession } from '../session';
import { actionUrl, buildFlowActionRequest, flowDevices, flowFacts, nextAction, offeredActions, readFlowResponse } from './flow';
import type { Flow, SignOnAction } from './flow';
import { askAgain, type AskAgain } from './signOnRetry';

/** More sign-on actions than any documented policy needs; stops a flow that never completes. */
const MAX_SIGN_ON_ACTIONS = 12;

/** Takes the flow from its first status to COMPLETED, one action per step. */
export async function completeFlow(session: RunSession, first: Flow): Promise<Flow> {
  let flow = first;
  for (let actions = 0; flow.status !== 'COMPLETED'; actions++) {
    if (actions >= MAX_SIGN_ON_ACTIONS) {
      throw new FlowError(Codes.FLOW_LOOP, `The flow is still ${flow.status} after ${MAX_SIGN_ON_ACTIONS} actions.`, 'Check the sign-on policy; the flow is not progressing.');
    }
    flow = await signOn(session, flow);
  }
  return flow;
}

export function describeFlow(step: Step, flow: Flow): void {
  Object.assign(step.facts, flowFacts(flow));
}

/** One sign-on action chosen from the flow's status and `_links`, asking the person for what it needs. */
export async function signOn(session: RunSession, flow: Flow): Promise<Flow> {
  if (flow.status === 'FAILED') {
    throw new FlowError(Codes.FLOW_FAILED, 'The flow ended in status FAILED.', 'Start a new run; check the user and the sign-on policy.', { detail: flow });
  }
  const action = nextAction(flow);
  if (!action) {
    return session.step('signOn', `Sign on (${flow.status})`, async () => {
      const page = flow._links?.signOnPage?.href;
      const offered = offeredActions(flow);
      throw new FlowError(
        Codes.UNSUPPORTED_STATUS,
        `The flow is ${flow.status}, offering ${offered.join(', ') || 'no actions'}, which this client cannot complete on its own.`,
        page ? `Complete sign-on in a browser at ${page}, or change the sign-on policy.` : 'Change the sign-on policy to one with username/password, OTP or device selection.',
        { detail: flow },
      );
    });
  }
  const title = `Sign on (${action})`;
  try {
    // Where the action would go is checked before anyone is asked to type a password for it.
    actionUrl(session.pingOne, flow, action);
  } catch (error) {
    return session.step('signOn', title, () => Promise.reject(error));
  }
  // A refused password or code leaves the flow where it was, so the person may try again in it.
  let retry: (AskAgain & { username?: string }) | undefined;
  for (let attempt = 1; ; attempt++) {
    const input = await actionInput(session, action, flow, retry);
    retry = undefined;
    try {
      const result = await session.step('signOn', attempt === 1 ? title : `Sign on (${action}, attempt ${attempt})`, async (step) => {
        step.facts.action = action;
        step.facts.status_before = flow.status;
        try {
          const result = readFlowResponse(await session.send(step, buildFlowActionRequest(session.pingOne, flow, action, input.body, input.marks)));
          describeFlow(step, result);
          return result;
        } catch (error) {
          const again = session.options.ask ? askAgain(action, error, attempt) : undefined;
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
async function actionInput(
  session: RunSession,
  action: SignOnAction,
  flow: Flow,
  retry?: { message: string; username?: string },
): Promise<{ body: Record<string, unknown>; marks: SecretMark[]; accepted: (() => Promise<void>)[] }> {
  const { secrets } = session.options;
  const accepted: (() => Promise<void>)[] = [];
  const askChecked = async <Q extends Question>(question: Q): Promise<Answers[Q['kind']]> => {
    const answer = await session.ask(question);
    accepted.push(async () => session.options.ask?.accepted?.(question.kind, answer));
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
      return { body: { username: secrets.username ?? (await session.ask({ kind: 'credentials' })).username }, marks: [], accepted };
    case 'device.select':
      return { body: { device: { id: (await askChecked({ kind: 'device', devices: flowDevices(flow) })).deviceId } }, marks: [], accepted };
    case 'otp.check': {
      const { otp } = await askChecked({ kind: 'otp', ...message });
      return { body: { otp }, marks: [{ variable: 'OTP', value: otp }], accepted };
    }
    case 'password.reset': {
      // Not reported as accepted: once the reset succeeds, the password asked for here is the old one.
      const current = secrets.password ?? (await session.ask({ kind: 'credentials' })).password;
      const { newPassword } = await session.ask({ kind: 'newPassword', message: `The flow is ${flow.status}: choose a new password.` });
      return {
        body: { currentPassword: current, newPassword },
        marks: [{ variable: 'PASSWORD', value: current, describe: 'the user\'s password' }, { variable: 'NEW_PASSWORD', value: newPassword }],
        accepted,
      };
    }
  }
}

