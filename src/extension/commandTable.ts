/**
 * The extension's commands as one typed table: command id → the arguments it accepts. Tree items pass
 * their node (which carries a `profileId`), the webview passes a profile id, the Command Palette passes
 * nothing and the command asks with a quick pick. Kept free of `vscode` so tests can check it against
 * package.json.
 */

/** What a profile command may be invoked with. */
export type ProfileTarget = string | { profileId: string };

export interface CommandArgs {
  'authFlow.run': [target?: ProfileTarget];
  'authFlow.measureEnvironment': [target?: ProfileTarget];
  'authFlow.addEnvironment': [];
  'authFlow.editEnvironment': [target?: ProfileTarget];
  'authFlow.duplicateEnvironment': [target?: ProfileTarget];
  'authFlow.deleteEnvironment': [target?: ProfileTarget];
  'authFlow.copyEnvironmentId': [target?: ProfileTarget];
  'authFlow.setClientSecret': [target?: ProfileTarget];
  'authFlow.clearClientSecret': [target?: ProfileTarget];
  'authFlow.setPrivateKey': [target?: ProfileTarget];
  'authFlow.clearPrivateKey': [target?: ProfileTarget];
  'authFlow.forgetCredentials': [target?: ProfileTarget];
  'authFlow.refreshEnvironments': [];
  'authFlow.trySandbox': [];
  'authFlow.showTimeline': [];
  'authFlow.decodeSelection': [];
  /** The webview passes the run's id; the palette passes nothing (the latest run). */
  'authFlow.exportRun': [runId?: string];
  'authFlow.importPostmanEnvironment': [];
}

export type CommandId = keyof CommandArgs;

/** Every command id, in the order package.json lists them. */
export const COMMAND_IDS = [
  'authFlow.run',
  'authFlow.measureEnvironment',
  'authFlow.addEnvironment',
  'authFlow.editEnvironment',
  'authFlow.duplicateEnvironment',
  'authFlow.deleteEnvironment',
  'authFlow.copyEnvironmentId',
  'authFlow.setClientSecret',
  'authFlow.clearClientSecret',
  'authFlow.setPrivateKey',
  'authFlow.clearPrivateKey',
  'authFlow.forgetCredentials',
  'authFlow.refreshEnvironments',
  'authFlow.trySandbox',
  'authFlow.showTimeline',
  'authFlow.decodeSelection',
  'authFlow.exportRun',
  'authFlow.importPostmanEnvironment',
] as const satisfies readonly CommandId[];

// Fails to compile when a command is added to CommandArgs but not to COMMAND_IDS.
type Missing = Exclude<CommandId, (typeof COMMAND_IDS)[number]>;
export const commandIdsAreComplete: Missing extends never ? true : never = true;

export function profileIdOf(target: ProfileTarget): string {
  return typeof target === 'string' ? target : target.profileId;
}
