// Audit entries of editor actions: who, when, what, and the before/after of exactly the fields that changed.
import { randomBytes } from 'node:crypto';
import type { SuggestionEvidence } from '../group/suggestions.ts';
import type { Story } from '../types.ts';
import type { Actor } from './auth.ts';

/** Names of the editor actions recorded in a story's history. */
export type EditorActionName =
  | 'rename'
  | 'edit-copy'
  | 'edit'
  | 'pin'
  | 'unpin'
  | 'hide'
  | 'unhide'
  | 'approve'
  | 'unpublish'
  | 'reset-status'
  | 'lock'
  | 'unlock'
  | 'merge'
  | 'merged-into'
  | 'split'
  | 'split-from'
  | 'move-in'
  | 'move-out'
  | 'remove-item'
  | 'dismiss-suggestion';

/** One recorded editor action on one story (multi-story actions write one entry per story touched). */
export interface AuditEntry {
  id: string;
  storyId: string;
  at: string;
  action: EditorActionName;
  actor: Actor;
  /** Values of the changed fields before the action. */
  before: Partial<Story>;
  /** Values of the same fields after the action. */
  after: Partial<Story>;
  /** Other stories and items involved (merge sources, split target, moved item …). */
  related?: { storyIds?: string[]; itemIds?: string[] };
  /** Story version written by this action (the current one for actions that write no story, such as a dismissal). */
  version: number;
  /** The engine's "possible same story" suggestion the action answered (merge or dismissal of a suggested pair). */
  suggestion?: SuggestionRef;
}

/** What an audit entry keeps of the suggestion an editor acted on: how near the engine came, and why. */
export interface SuggestionRef {
  score: number;
  threshold: number;
  crossLingual: boolean;
  evidence: SuggestionEvidence;
}

/** Fields whose changes are worth recording (bookkeeping fields such as version/updatedAt are left out). */
const AUDITED: (keyof Story)[] = [
  'label', 'labelByEditor', 'labels', 'labelsByEditor', 'headline', 'headlineByEditor', 'summary', 'status', 'pinned', 'hidden', 'locked',
  'mergedInto', 'reviewedAt', 'itemIds', 'outletIds', 'excludedItemIds',
];

/** Before/after maps of the audited fields that differ between two versions of a story. */
export function diffStory(before: Story | undefined, after: Story): { before: Partial<Story>; after: Partial<Story> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of AUDITED) {
    // An absent list and an empty one mean the same thing; recording the difference would be noise.
    const norm = (v: unknown) => (Array.isArray(v) && v.length === 0 ? undefined : v);
    const x = norm(before?.[k]);
    const y = norm(after[k]);
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[k] = before?.[k] ?? null;
      a[k] = after[k] ?? null;
    }
  }
  return { before: b as Partial<Story>, after: a as Partial<Story> };
}

/** Builds an entry with a fresh id; the caller persists it. */
export function auditEntry(
  action: EditorActionName,
  actor: Actor,
  before: Story | undefined,
  after: Story,
  at: string,
  related?: AuditEntry['related'],
  suggestion?: SuggestionRef,
): AuditEntry {
  const d = diffStory(before, after);
  return {
    id: randomBytes(6).toString('hex'),
    storyId: after.id,
    at,
    action,
    actor,
    before: d.before,
    after: d.after,
    related,
    version: after.version,
    ...(suggestion ? { suggestion } : {}),
  };
}
