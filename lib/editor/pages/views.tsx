// Editor desk pages: sign-in, review queue (filters, possible same stories), story with perspectives and actions, errors (server-rendered).
import type { AuditEntry } from '../audit.ts';
import type { Actor } from '../auth.ts';
import { queueQuery, type QueueFilters, type ReviewEntry } from '../review.ts';
import type { SuggestionEntry } from '../suggestions.ts';
import type { Item, Membership, Outlet, Story } from '../../types.ts';
import { FormGuard, Layout } from './layout.tsx';
import { FilterBar, SuggestionSection, languageName } from './suggestions.tsx';

/** Sign-in form: the key is posted once and then kept in an HttpOnly cookie. */
export function SignInPage(props: { error?: string }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <div class="card">
        {props.error ? <p class="error">{props.error}</p> : null}
        <form method="post" action="/editor/sign-in">
          <label for="key">Editor key</label>
          <input id="key" type="password" name="key" autocomplete="off" placeholder="rk_…" required />
          <p>
            <button class="primary" type="submit">Sign in</button>
          </p>
        </form>
        <p class="muted">Keys are created with <code>npx roundup editor-key create NAME --role editor</code>.</p>
      </div>
    </Layout>
  );
}

/** The review queue: filters, the pairs that may be one story, then the stories to review. */
export function QueuePage(props: {
  actor: Actor;
  csrf: string;
  queue: ReviewEntry[];
  suggestions: SuggestionEntry[];
  filters: QueueFilters;
  languages: string[];
  flash?: string;
}) {
  const back = `/editor${queueQuery(props.filters)}`;
  return (
    <Layout title="Review queue" actor={props.actor} csrf={props.csrf}>
      <p class="flash" id="flash" role="status" aria-live="polite" hidden={!props.flash}>
        {props.flash ?? ''}
      </p>
      <h1>Review queue</h1>
      <FilterBar filters={props.filters} languages={props.languages} />
      {props.filters.kind === 'story' ? null : <SuggestionSection entries={props.suggestions} csrf={props.csrf} back={back} />}
      {props.filters.kind === 'possible-same-story' ? null : (
        <section id="stories" aria-labelledby="stories-title">
          <h2 id="stories-title">Stories to review ({props.queue.length})</h2>
          {props.queue.length === 0 ? (
            <p class="muted">Nothing to review{Object.keys(props.filters).length ? ' with these filters' : ''}.</p>
          ) : (
            <div class="scroll">
            <table id="queue">
              <thead>
                <tr>
                  <th>Story</th>
                  <th>Outlets</th>
                  <th>Items</th>
                  <th>Languages</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {props.queue.map((e) => (
                  <tr data-story-id={e.story.id}>
                    <td>
                      <a href={`/editor/stories/${e.story.id}`} dir="auto">{e.story.label}</a>
                      <div class="muted" dir="auto">{e.story.headline}</div>
                    </td>
                    <td>{e.story.outletIds.length}</td>
                    <td>{e.story.itemCount ?? e.story.itemIds.length}</td>
                    <td>
                      {e.languages.map((l) => (
                        <span class="tag lang" title={languageName(l)}>{l}</span>
                      ))}
                    </td>
                    <td>
                      {e.reasons.map((r) => (
                        <span class={`tag ${r === 'new' || r === 'changed' ? '' : 'warn'}`}>{r}</span>
                      ))}
                      {e.cohesion !== undefined ? <span class="muted">cohesion {e.cohesion.toFixed(2)}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </section>
      )}
      <form method="get" action="/editor/go" class="card">
        <label for="go">Open a story by id</label>
        <input id="go" type="text" name="id" placeholder="s_…" />
      </form>
    </Layout>
  );
}

/** An item with the reason it is in the story. */
export type PageItem = Item & { membership?: Pick<Membership, 'score' | 'matched' | 'by' | 'at'> };

/** One story: its state, its perspectives (items by outlet) with why each item is there, actions and history. */
export function StoryPage(props: {
  actor: Actor;
  csrf: string;
  story: Story;
  items: PageItem[];
  outlets: Map<string, Pick<Outlet, 'name' | 'city' | 'country'>>;
  history: AuditEntry[];
  isPublic: boolean;
  /** Pairs with this story the engine suggests merging. */
  suggestions?: SuggestionEntry[];
  flash?: string;
}) {
  const { story: s, csrf } = props;
  const base = `/editor/stories/${s.id}`;
  const byOutlet = new Map<string, PageItem[]>();
  for (const it of props.items) byOutlet.set(it.outletId, [...(byOutlet.get(it.outletId) ?? []), it]);
  const flag = (on: boolean | undefined, yes: string, cls = 'ok') => (on ? <span class={`tag ${cls}`}>{yes}</span> : null);
  return (
    <Layout title={s.label} actor={props.actor} csrf={csrf}>
      <p class="flash" id="flash" role="status" aria-live="polite" hidden={!props.flash}>
        {props.flash ?? ''}
      </p>
      <p class="muted">
        <a href="/editor">← queue</a> · story <code id="story-id">{s.id}</code> · version <span id="story-version">{s.version}</span>
      </p>
      <h1 id="story-label">{s.label}</h1>
      <p>
        <strong id="story-headline">{s.headline}</strong>
      </p>
      {s.summary ? <p id="story-standfirst">{s.summary}</p> : null}
      <p>
        <span class={`tag ${s.status === 'approved' ? 'ok' : s.status === 'unpublished' ? 'bad' : ''}`} id="story-status">{s.status}</span>
        <span class={`tag ${props.isPublic ? 'ok' : 'bad'}`}>{props.isPublic ? 'public' : 'not public'}</span>
        {flag(s.pinned, 'pinned')}
        {flag(s.hidden, 'hidden', 'bad')}
        {flag(s.locked, 'locked', 'warn')}
        {flag(s.labelByEditor, 'label by editor')}
        <span class="muted">
          {s.itemIds.length} items · {s.outletIds.length} outlets · reviewed {s.reviewedAt ?? 'never'}
        </span>
      </p>

      <div class="card">
        <form method="post" action={`${base}/status`} class="inline">
          <FormGuard csrf={csrf} version={s.version} />
          <button class="primary" name="op" value="approve" type="submit">Approve</button>{' '}
          <button name="op" value="unpublish" type="submit">Unpublish</button>{' '}
          <button name="op" value={s.pinned ? 'unpin' : 'pin'} type="submit">{s.pinned ? 'Unpin' : 'Pin'}</button>{' '}
          <button name="op" value={s.hidden ? 'unhide' : 'hide'} type="submit">{s.hidden ? 'Unhide' : 'Hide'}</button>{' '}
          <button name="op" value={s.locked ? 'unlock' : 'lock'} type="submit">{s.locked ? 'Unlock' : 'Lock'}</button>
        </form>{' '}
        <a id="digest-link" href={`${base}/digest.md`}>
          Draft digest (Markdown)
        </a>
      </div>

      <div class="grid">
        <form method="post" action={`${base}/edit`} class="card" id="edit-form">
          <FormGuard csrf={csrf} version={s.version} />
          <label for="label">Label</label>
          <input id="label" type="text" name="label" value={s.label} maxlength={120} />
          <label for="headline">Headline</label>
          <input id="headline" type="text" name="headline" value={s.headline} maxlength={300} />
          <label for="standfirst">Standfirst</label>
          <textarea id="standfirst" name="standfirst" rows={3} maxlength={1000}>{s.summary ?? ''}</textarea>
          <p>
            <button class="primary" type="submit">Save text</button>
          </p>
        </form>
        <div>
          <form method="post" action={`${base}/merge`} class="card" id="merge-form">
            <FormGuard csrf={csrf} version={s.version} />
            <label for="sources">Merge other stories into this one (ids, comma separated)</label>
            <input id="sources" type="text" name="sources" placeholder="s_…, s_…" />
            <p>
              <button type="submit">Merge into this story</button>
            </p>
          </form>
          <form method="post" action={`${base}/split`} class="card" id="split-form">
            <FormGuard csrf={csrf} version={s.version} />
            <label for="split-label">Split the ticked items into a new story (optional label)</label>
            <input id="split-label" type="text" name="label" />
            <p>
              <button type="submit">Split ticked items</button>
            </p>
          </form>
        </div>
      </div>

      {props.suggestions?.length ? <SuggestionSection entries={props.suggestions} csrf={csrf} back={base} title="Possible same story as this one" /> : null}

      <h2>Perspectives ({byOutlet.size} outlets)</h2>
      {[...byOutlet].map(([outletId, items]) => {
        const o = props.outlets.get(outletId);
        return (
          <section class="outlet" data-outlet-id={outletId}>
            <strong>{o?.name ?? outletId}</strong> <span class="muted">{o ? `${o.city}, ${o.country}` : ''}</span>
            {items.map((it) => (
              <div class="item" data-item-id={it.id}>
                <input type="checkbox" form="split-form" name="itemIds" value={it.id} aria-label={`select ${it.title}`} />{' '}
                {it.url ? <a href={it.url} rel="noopener noreferrer">{it.title}</a> : it.title}
                <div class="muted">
                  {it.publishedAt.slice(0, 16).replace('T', ' ')} · {it.language}
                  {it.author ? ` · ${it.author}` : ''} ·{' '}
                  {it.membership
                    ? it.membership.by === 'editor'
                      ? it.membership.matched.length
                        ? `placed by an editor (engine score ${it.membership.score.toFixed(2)})`
                        : 'placed by an editor'
                      : it.membership.score === 0
                        ? 'founded the story'
                        : `score ${it.membership.score.toFixed(2)}`
                    : 'membership pending'}
                  {it.membership?.matched.length ? <> · matched: {it.membership.matched.map((m) => <span class="tag">{m}</span>)}</> : null}
                </div>
                <div class="actions">
                  <form method="post" action={`${base}/move`} class="inline">
                    <FormGuard csrf={csrf} version={s.version} />
                    <input type="hidden" name="itemId" value={it.id} />
                    <input type="text" name="to" placeholder="move to story id" style="width:14rem" />{' '}
                    <button type="submit">Move</button>
                  </form>{' '}
                  <form method="post" action={`${base}/remove`} class="inline">
                    <FormGuard csrf={csrf} version={s.version} />
                    <input type="hidden" name="itemId" value={it.id} />
                    <button type="submit">Remove</button>
                  </form>
                </div>
              </div>
            ))}
          </section>
        );
      })}

      <h2>History</h2>
      {props.history.length === 0 ? (
        <p class="muted">No editor actions yet.</p>
      ) : (
        <table id="history">
          <tbody>
            {[...props.history].reverse().map((h) => (
              <tr>
                <td class="muted">{h.at.slice(0, 19).replace('T', ' ')}</td>
                <td>
                  <strong>{h.action}</strong> by {h.actor.name} <span class="muted">({h.actor.keyId})</span>
                </td>
                <td class="muted">
                  {Object.keys(h.after).map((k) => (
                    <div>
                      {k}: {short((h.before as Record<string, unknown>)[k])} → {short((h.after as Record<string, unknown>)[k])}
                    </div>
                  ))}
                  {h.action === 'dismiss-suggestion' && h.related?.storyIds ? <div>not the same story as {h.related.storyIds.join(', ')}</div> : null}
                  {h.suggestion ? (
                    <div>
                      engine suggestion: score {h.suggestion.score.toFixed(2)} / threshold {h.suggestion.threshold.toFixed(2)}
                      {h.suggestion.crossLingual ? ', cross-lingual' : ''}
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** An error page for failed form posts, with the problem's status. */
export function ErrorPage(props: { actor?: Actor; csrf?: string; status: number; message: string; back: string }) {
  return (
    <Layout title={`Error ${props.status}`} actor={props.actor} csrf={props.csrf}>
      <h1>That did not work ({props.status})</h1>
      <p class="error" id="error">{props.message}</p>
      <p>
        <a href={props.back}>Back</a>
      </p>
    </Layout>
  );
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '—';
  const s = Array.isArray(v) ? `[${v.length}] ${v.join(', ')}` : String(v);
  return s.length > 90 ? s.slice(0, 89) + '…' : s;
}
