import * as vscode from 'vscode';

/** Returned when the user pressed the Back button of a multi-step input. */
export const BACK = Symbol('back');
export type Back = typeof BACK;

interface Common {
  title: string;
  /** Position in a multi-step input; the Back button shows from step 2. */
  step?: number;
  totalSteps?: number;
  /** Closes the input (as if dismissed) when aborted, e.g. when the run asking is cancelled. */
  signal?: AbortSignal;
}

export interface InputOptions extends Common {
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  /** The message to show under the box, or undefined when the value is acceptable. */
  validate?: (value: string) => string | undefined;
  /** A note under an acceptable value (what a pasted URL was read as); it does not block Enter. */
  describe?: (value: string) => string | undefined;
}

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/** A heading between items; never selectable, so its value is never returned. */
export function separator<T>(label: string, value: T): PickItem<T> {
  return { label, kind: vscode.QuickPickItemKind.Separator, value };
}

export interface PickOptions<T> extends Common {
  placeholder: string;
  items: ReadonlyArray<PickItem<T>>;
  /** The item selected when the pick opens (the current value when editing). */
  active?: T;
}

/**
 * Runs one quick input until the user accepts, goes back or dismisses it (undefined). Focus may move
 * away without cancelling, so a user can copy an ID from the browser mid-way.
 */
function run<Q extends vscode.QuickInput, R>(input: Q, options: Common, wire: (input: Q, done: (result: R | Back | undefined) => void) => vscode.Disposable[]): Promise<R | Back | undefined> {
  input.title = options.title;
  input.step = options.step;
  input.totalSteps = options.totalSteps;
  input.ignoreFocusOut = true;
  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [];
    const done = (result: R | Back | undefined) => {
      for (const disposable of disposables) disposable.dispose();
      input.dispose();
      resolve(result);
    };
    const abort = () => done(undefined);
    options.signal?.addEventListener('abort', abort);
    disposables.push(...wire(input, done), input.onDidHide(abort), { dispose: () => options.signal?.removeEventListener('abort', abort) });
    if (options.signal?.aborted) abort();
    else input.show();
  });
}

type WithButtons = Pick<vscode.InputBox, 'buttons' | 'onDidTriggerButton'>;

function backButton(input: WithButtons, options: Common, done: (result: Back) => void): vscode.Disposable {
  input.buttons = (options.step ?? 1) > 1 ? [vscode.QuickInputButtons.Back] : [];
  return input.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && done(BACK));
}

export function input(options: InputOptions): Promise<string | Back | undefined> {
  return run<vscode.InputBox, string>(vscode.window.createInputBox(), options, (box, done) => {
    box.prompt = options.prompt;
    box.value = options.value ?? '';
    box.placeholder = options.placeholder;
    box.password = options.password ?? false;
    const validate = () => {
      const problem = options.validate?.(box.value);
      const note = problem === undefined ? options.describe?.(box.value) : undefined;
      box.validationMessage = note ? { message: note, severity: vscode.InputBoxValidationSeverity.Info } : problem;
      return problem;
    };
    // A prefilled value is checked at once; an empty box only once the user types or accepts.
    if (box.value) validate();
    return [
      backButton(box, options, done),
      box.onDidChangeValue(validate),
      box.onDidAccept(() => {
        if (!validate()) done(box.value);
      }),
    ];
  });
}

export function pick<T>(options: PickOptions<T>): Promise<T | Back | undefined> {
  return run<vscode.QuickPick<PickItem<T>>, T>(vscode.window.createQuickPick<PickItem<T>>(), options, (quickPick, done) => {
    quickPick.placeholder = options.placeholder;
    quickPick.items = options.items;
    const active = options.items.find((item) => item.value === options.active);
    if (active) quickPick.activeItems = [active];
    return [
      backButton(quickPick, options, done),
      quickPick.onDidAccept(() => {
        const [selected] = quickPick.selectedItems;
        if (selected) done(selected.value);
      }),
    ];
  });
}

/** A single input with no steps: the value, or undefined when dismissed. */
export async function ask(options: InputOptions): Promise<string | undefined> {
  const result = await input(options);
  return result === BACK ? undefined : result;
}

export async function choose<T>(options: PickOptions<T>): Promise<T | undefined> {
  const result = await pick(options);
  return result === BACK ? undefined : result;
}
