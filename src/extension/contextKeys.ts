/**
 * The ids package.json's `views`, `menus` and `when` clauses name, declared once: the views and the
 * webview panel type the extension registers, and the tokens of an Environments tree item's
 * `contextValue` that menus match with `viewItem`. test/unit/contributes.test.ts fails when package.json
 * uses one missing here, or one here is used nowhere in package.json.
 */
import type { ProfileSource } from './environments/profiles';

/** The Environments view (package.json `contributes.views`, and `view == …` in menus). */
export const ENVIRONMENTS_VIEW_ID = 'authFlow.environments';

/** The timeline panel's view type, as package.json declares it (its activation event and serializer). */
export const TIMELINE_VIEW_TYPE = 'authFlow.timeline';

/**
 * The tokens of a tree item's `contextValue`, a space-separated list that menus match with regular
 * expressions, e.g. `viewItem =~ /\bsource-user\b/` for Delete or `/\bhas-secret\b/` for Clear.
 */
export const ITEM_CONTEXT = {
  /** An environment (a profile, or the sandbox). */
  profile: 'profile',
  /** Where the profile is defined; the sandbox has none, so nothing edits or deletes it. */
  source: { user: 'source-user', workspace: 'source-workspace' } satisfies Record<ProfileSource, string>,
  needsSecret: 'needs-secret',
  hasSecret: 'has-secret',
  needsKey: 'needs-key',
  hasKey: 'has-key',
  hasLogin: 'has-login',
  /** A setting shown under an environment. */
  detail: 'detail',
  /** The environment ID detail, which can be copied. */
  envId: 'envId',
} as const;
