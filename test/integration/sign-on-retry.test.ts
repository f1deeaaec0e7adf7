/**
 * A refused password or one-time code is asked for again in the same flow, against the embedded
 * sandbox over real loopback HTTP: each refused try is its own failed step, the flow (its id) is the
 * one the authorize request started, the account's lockout stops the asking at once, and the host
 * hears which typed answers the server accepted, and only those.
 */
import assert from 'node:assert/strict';
import type { Run, RunEvent, Step } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import type { Answers, Ask, Question } from '../../src/core/questions';
import { redactRun } from '../../src/core/redact';
import { runFlow } from '../../src/core/run';
import { rememberAccepted } from '../../src/extension/run/remember';
import { SANDBOX_OTP } from '../../src/sandbox/seed';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';

/** A fresh sandbox per test: the lockout counts every wrong password per username. */
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setUp(options: SandboxOptions = {}): Promise<{ sandbox: Sandbox; profile: Profile; appSecrets: Secrets }> {
  sandbox = await startSandbox(options);
  const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_basic');
  assert.ok(entry);
  const { requestObject: _requestObject, ...plain } = entry.profile;
  return { sandbox, profile: { ...plain, authorizeMethod: 'GET', responseMode: 'redirect', pkce: true }, appSecrets: { clientSecret: entry.secrets.clientSecret } };
}

/** An Ask answering each question of a kind with the next scripted answer, recording what it was asked and told. */
function scripted(answers: { [K in keyof Answers]?: Answers[K][] }) {
  const questions: Question[] = [];
  const accepted: { kind: keyof Answers; answer: unknown; afterSteps: number }[] = [];
  let steps = 0;
  const ask: Ask = Object.assign(
    async (question: Question) => {
      questions.push(question);
      const queue = answers[question.kind] as unknown[] | undefined;
      return queue?.shift() as never;
    },
    {
      accepted: async <K extends keyof Answers>(kind: K, answer: Answers[K]) => {
        accepted.push({ kind, answer, afterSteps: steps });
      },
    },
  );
  const onEvent = (event: RunEvent) => {
    if (event.type === 'step/finished' || event.type === 'step/failed') steps++;
  };
  return { ask, questions, accepted, onEvent };
}

const signOnSteps = (run: Run): Step[] => run.steps.filter((s) => s.kind === 'signOn');

describe('sign-on asks again after a refused password or code', () => {
  it('a wrong password, then the right one: the run succeeds in one flow, the refused try a failed step saying another follows', async () => {
    const { sandbox, profile, appSecrets } = await setUp();
    const script = scripted({ credentials: [{ username: 'demo', password: 'wrong-Pass-1' }, { ...sandbox.demoUser }] });
    const run = await runFlow({ profile, secrets: appSecrets, ask: script.ask, onEvent: script.onEvent });

    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const [first, second, ...rest] = signOnSteps(run);
    assert.deepEqual(rest, []);
    assert.equal(first.status, 'failed');
    assert.equal(first.error?.code, 'INVALID_CREDENTIALS');
    assert.match(first.error?.message ?? '', /incorrect/);
    assert.match(first.error?.message ?? '', /attempt 2 of 3/, 'the failed try says another follows');
    assert.equal(second.status, 'succeeded');
    assert.equal(second.facts.flow_status, 'COMPLETED');
    const flowId = run.steps.find((s) => s.kind === 'authorize')?.facts.flowId;
    assert.ok(flowId);
    for (const step of [first, second]) assert.equal(new URL(step.exchange?.request.url ?? '').pathname.split('/').at(-1), flowId, 'both tries act on the flow authorize started');

    assert.equal(script.questions.length, 2);
    const again = script.questions[1];
    assert.equal(again.kind, 'credentials');
    assert.equal(again.kind === 'credentials' && again.username, 'demo', 'the second question keeps the username tried');
    assert.match(again.kind === 'credentials' ? (again.message ?? '') : '', /incorrect/);

    // Only the credentials that worked are reported, once, after their step succeeded.
    assert.deepEqual(script.accepted.map(({ kind, answer }) => ({ kind, answer })), [{ kind: 'credentials', answer: { ...sandbox.demoUser } }]);
    assert.equal(script.accepted[0].afterSteps, run.steps.indexOf(second) + 1);
    assert.ok(!JSON.stringify(redactRun(run)).includes('wrong-Pass-1'), 'the refused password is redacted too');
  });

  it('three wrong passwords: the run fails after the third, each its own failed step', async () => {
    const { profile, appSecrets } = await setUp();
    const wrong = (n: number) => ({ username: 'demo', password: `wrong-Pass-${n}` });
    const script = scripted({ credentials: [wrong(1), wrong(2), wrong(3), wrong(4)] });
    const run = await runFlow({ profile, secrets: appSecrets, ask: script.ask });

    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'INVALID_CREDENTIALS');
    assert.equal(script.questions.length, 3);
    const steps = signOnSteps(run);
    assert.deepEqual(steps.map((s) => s.status), ['failed', 'failed', 'failed']);
    assert.doesNotMatch(steps[2].error?.message ?? '', /attempt \d of/, 'the last try does not promise another');
    assert.deepEqual(script.accepted, []);
  });

  it('fewer tries when the server says fewer remain before the lockout', async () => {
    const { profile, appSecrets } = await setUp({ lockoutThreshold: 2 });
    const script = scripted({ credentials: [{ username: 'demo', password: 'wrong-Pass-1' }, { username: 'demo', password: 'wrong-Pass-2' }, { username: 'demo', password: 'wrong-Pass-3' }] });
    const run = await runFlow({ profile, secrets: appSecrets, ask: script.ask });
    assert.equal(run.status, 'failed');
    assert.match(signOnSteps(run)[0].error?.message ?? '', /attempt 2 of 2/);
    assert.equal(script.questions.length, 2);
    assert.equal(run.error?.code, 'PASSWORD_LOCKED_OUT');
  });

  it('a locked account stops at once, without asking again', async () => {
    const { sandbox, profile, appSecrets } = await setUp({ lockoutThreshold: 1 });
    const lock = await runFlow({ profile, secrets: { ...appSecrets, username: 'demo', password: 'wrong-Pass-1' } });
    assert.equal(lock.error?.code, 'PASSWORD_LOCKED_OUT');

    const script = scripted({ credentials: [{ ...sandbox.demoUser }, { ...sandbox.demoUser }] });
    const run = await runFlow({ profile, secrets: appSecrets, ask: script.ask });
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'PASSWORD_LOCKED_OUT');
    assert.equal(script.questions.length, 1);
    assert.equal(signOnSteps(run).length, 1);
  });

  it('credentials given up front and no way to ask: a wrong password fails the run at once', async () => {
    const { profile, appSecrets } = await setUp();
    const run = await runFlow({ profile, secrets: { ...appSecrets, username: 'demo', password: 'wrong-Pass-1' } });
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'INVALID_CREDENTIALS');
    assert.equal(signOnSteps(run).length, 1);
    assert.doesNotMatch(run.error?.message ?? '', /attempt/);
  });

  it('credentials given up front but wrong, with a way to ask: the person is asked, and what worked is reported', async () => {
    const { sandbox, profile, appSecrets } = await setUp();
    const script = scripted({ credentials: [{ ...sandbox.demoUser }] });
    const run = await runFlow({ profile, secrets: { ...appSecrets, username: 'demo', password: 'stale-Pass-1' }, ask: script.ask });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.deepEqual(signOnSteps(run).map((s) => s.status), ['failed', 'succeeded']);
    assert.deepEqual(script.accepted.map((a) => a.answer), [{ ...sandbox.demoUser }]);
  });

  it('credentials given up front that work are not reported as typed answers', async () => {
    const { sandbox, profile, appSecrets } = await setUp();
    const script = scripted({});
    const run = await runFlow({ profile, secrets: { ...appSecrets, ...sandbox.demoUser }, ask: script.ask });
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(script.questions, []);
    assert.deepEqual(script.accepted, []);
  });

  it('the extension offers to remember the credentials that worked, never the wrong ones typed before', async () => {
    const { sandbox, profile, appSecrets } = await setUp();
    const offered: number[] = [];
    const saved: Answers['credentials'][] = [];
    let steps: Step[] = [];
    const script = scripted({ credentials: [{ username: 'demo', password: 'wrong-Pass-1' }, { ...sandbox.demoUser }] });
    const ask: Ask = Object.assign(script.ask.bind(null), {
      accepted: rememberAccepted({
        stored: {},
        confirm: async () => {
          offered.push(steps.filter((s) => s.kind === 'signOn' && s.status === 'succeeded').length);
          return true;
        },
        save: async (credentials) => {
          saved.push(credentials);
        },
      }),
    });
    const run = await runFlow({ profile, secrets: appSecrets, ask, onEvent: (e) => e.type !== 'run/started' && e.type !== 'run/finished' && (steps = [...steps.filter((s) => s.id !== e.step.id), e.step]) });
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(offered, [1], 'offered once, after the sign-on step succeeded');
    assert.deepEqual(saved, [{ ...sandbox.demoUser }]);
  });

  it('a wrong one-time code is asked for again in the same flow', async () => {
    const { sandbox, profile, appSecrets } = await setUp();
    const mfa = sandbox.users.find((u) => u.username === 'mfa');
    assert.ok(mfa);
    const script = scripted({ device: [{ deviceId: mfa.devices[0].id }], otp: [{ otp: '000000' }, { otp: SANDBOX_OTP }] });
    const run = await runFlow({ profile, secrets: { ...appSecrets, username: mfa.username, password: mfa.password }, ask: script.ask });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const otpSteps = signOnSteps(run).filter((s) => s.facts.action === 'otp.check');
    assert.deepEqual(otpSteps.map((s) => s.status), ['failed', 'succeeded']);
    assert.match(otpSteps[0].error?.message ?? '', /attempt 2 of 3/);
    assert.deepEqual(script.questions.map((q) => q.kind), ['device', 'otp', 'otp']);
    assert.match(script.questions[2].kind === 'otp' ? (script.questions[2].message ?? '') : '', /code/);
    assert.deepEqual(script.accepted.map((a) => a.kind).sort(), ['device', 'otp']);
  });
});
