// Publication policy: the one rule deciding which stories readers may see (public API, feeds, editor desk).
import type { Config } from '../config.ts';
import type { Story } from '../types.ts';

/** How stories become public; comes from `config.publish`. */
export type PublicationPolicy = Config['publish'];

/** The story fields the policy looks at. */
export type PublicationFields = Pick<Story, 'status' | 'outletIds'> & Partial<Pick<Story, 'hidden' | 'mergedInto'>>;

/**
 * Whether readers may see a story.
 *
 * - hidden, merged (`mergedInto`) and editor-`unpublished` stories are never public, whatever the mode;
 * - an editor-`approved` story is public in both modes;
 * - in `outlets` mode an unreviewed (`auto`) story is public once items from at least `minOutlets`
 *   distinct outlets back it, so a single outlet's scoop waits for corroboration or an editor;
 * - in `editor` mode only approved stories are public.
 *
 * Merged stories are answered with a redirect by the item route before this check; here they count as not public
 * so that listings and feeds never show both halves of a merge.
 */
export function isPublic(story: PublicationFields, policy: PublicationPolicy): boolean {
  if (story.hidden || story.mergedInto || story.status === 'unpublished') return false;
  if (story.status === 'approved') return true;
  if (policy.mode === 'editor') return false;
  return new Set(story.outletIds).size >= policy.minOutlets;
}
