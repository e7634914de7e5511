// Queue page parts: the filter bar and the "possible same story" rows (both stories side by side, evidence, merge/dismiss).
import type { QueueFilters } from '../review.ts';
import type { PairSide, SuggestionEntry } from '../suggestions.ts';
import { FormGuard } from './layout.tsx';

const names = new Intl.DisplayNames(['en'], { type: 'language' });

/** "Arabic" for `ar`; the tag itself when it has no English name. */
export function languageName(tag: string): string {
  try {
    const n = names.of(tag);
    return n && n !== tag ? n : tag;
  } catch {
    return tag;
  }
}

/** A labelled select whose first option (value "") means no filter. */
function Choice(props: { label: string; name: string; any: string; options: [value: string, text: string][]; selected?: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.any}</option>
        {props.options.map(([value, text]) => (
          <option value={value} selected={props.selected === value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The queue's filters as a GET form: works the same with or without script, and the URL is shareable. */
export function FilterBar(props: { filters: QueueFilters; languages: string[] }) {
  const f = props.filters;
  const languages = [...new Set([...props.languages, ...(f.language ?? [])])];
  // A list given in the URL (status=auto,approved) has no single choice to show: the select shows "Any".
  const one = (list: string[] | undefined) => (list?.length === 1 ? list[0] : undefined);
  return (
    <form method="get" action="/editor" class="card filters" id="filters" aria-label="Filter the queue">
      <Choice label="Show" name="kind" any="Everything" options={[['possible-same-story', 'Possible same story'], ['story', 'Stories']]} selected={f.kind} />
      <Choice label="Status" name="status" any="Any" options={(['auto', 'approved', 'unpublished'] as const).map((x) => [x, x])} selected={one(f.status)} />
      <Choice label="Language" name="language" any="Any" options={languages.map((l) => [l, `${languageName(l)} (${l})`])} selected={one(f.language)} />
      <label class="check">
        <input type="checkbox" name="single-outlet" value="true" checked={f.singleOutlet === true} /> Single outlet
      </label>
      <label class="check">
        <input type="checkbox" name="low-cohesion" value="true" checked={f.lowCohesion === true} /> Low cohesion
      </label>
      <button type="submit" class="primary">Filter</button>
      {Object.keys(f).length > 0 ? <a href="/editor" class="clear">Clear filters</a> : null}
    </form>
  );
}

/** One story of a pair: label (to its page), headline, outlets with cities, languages, size and status. */
function Side(props: { side: PairSide; which: 'a' | 'b'; keeps: boolean }) {
  const s = props.side.story;
  const lang = props.side.languages.length === 1 ? props.side.languages[0] : undefined;
  return (
    <div class="side" data-side={props.which} data-story-id={s.id}>
      <a class="pair-label" href={`/editor/stories/${s.id}`} dir="auto" lang={lang}>
        {s.label}
      </a>
      {props.keeps ? <span class="tag ok" title="A one-click merge keeps this story">kept on merge</span> : null}
      <p class="pair-headline" dir="auto" lang={lang}>
        {s.headline}
      </p>
      <ul class="pair-outlets">
        {props.side.outlets.map((o) => (
          <li>
            {o.name}
            {o.city ? <span class="muted"> · {o.city}</span> : null}
          </li>
        ))}
      </ul>
      <p class="muted">
        {props.side.languages.map((l) => (
          <span class="tag lang" title={languageName(l)}>{l}</span>
        ))}
        {s.itemCount ?? s.itemIds.length} item{(s.itemCount ?? s.itemIds.length) === 1 ? '' : 's'} · {s.status} · <code>{s.id}</code>
      </p>
    </div>
  );
}

/**
 * A row of evidence, left out when empty. A translation `source → pivot` keeps that order on screen whatever the
 * scripts: each side is isolated (`bdi`), so an Arabic source does not turn the arrow around.
 */
function Evidence(props: { term: string; values: string[]; cls?: string }) {
  if (props.values.length === 0) return null;
  return (
    <>
      <dt>{props.term}</dt>
      <dd>
        {props.values.map((v) => {
          const [source, pivot] = v.split(' → ');
          return pivot === undefined ? (
            <span class={`tag ${props.cls ?? ''}`}>
              <bdi>{v}</bdi>
            </span>
          ) : (
            <span class={`tag ${props.cls ?? ''}`} dir="ltr">
              <bdi>{source}</bdi> → <bdi>{pivot}</bdi>
            </span>
          );
        })}
      </dd>
    </>
  );
}

/** A "possible same story" row: both stories side by side, why the engine thinks so, Merge / Not the same story. */
export function PairCard(props: { entry: SuggestionEntry; csrf: string; back: string }) {
  const { entry: e, csrf } = props;
  const s = e.suggestion;
  const base = `/editor/review/suggestions/${s.a}/${s.b}`;
  const kept = e.into === e.a.story.id ? e.a.story : e.b.story;
  const gone = kept === e.a.story ? e.b.story : e.a.story;
  const ev = s.evidence;
  return (
    <article class="card pair" data-suggestion="" data-a={s.a} data-b={s.b} aria-label={`Possible same story: ${e.a.story.label} and ${e.b.story.label}`}>
      <div class="pair-head">
        <strong>Possible same story</strong>
        {s.crossLingual ? <span class="tag cross">cross-lingual</span> : null}
        <span class="score">
          score <strong>{s.score.toFixed(2)}</strong> / threshold {s.threshold.toFixed(2)}{' '}
          <meter min={0} max={s.threshold} value={Math.min(s.score, s.threshold)} title={`${Math.round((s.score / s.threshold) * 100)}% of the merge threshold`} />
        </span>
      </div>
      <div class="sides">
        <Side side={e.a} which="a" keeps={kept === e.a.story} />
        <div class="versus" aria-hidden="true">≈</div>
        <Side side={e.b} which="b" keeps={kept === e.b.story} />
      </div>
      <dl class="evidence">
        <Evidence term="Shared names" values={ev.entities} cls="entity" />
        <Evidence term="Translated" values={ev.translated} cls="translated" />
        <Evidence term="Shared words" values={ev.terms} />
        <Evidence term="Numbers" values={ev.numbers} />
      </dl>
      <div class="pair-actions">
        <form method="post" action={`${base}/merge`} class="inline" data-enhance="">
          <FormGuard csrf={csrf} />
          <input type="hidden" name="into" value={kept.id} />
          <input type="hidden" name="version" value={String(kept.version)} data-version-of={kept.id} />
          <input type="hidden" name="sourceVersion" value={String(gone.version)} data-version-of={gone.id} />
          <input type="hidden" name="back" value={props.back} />
          <button type="submit" class="primary">Merge</button>
        </form>
        <form method="post" action={`${base}/dismiss`} class="inline" data-enhance="">
          <FormGuard csrf={csrf} />
          <input type="hidden" name="back" value={props.back} />
          <button type="submit">Not the same story</button>
        </form>
        <span class="muted hint">
          Merge keeps “<span dir="auto">{kept.label}</span>”. “Not the same story” is final: the pair is never suggested again.
        </span>
        <p class="error pair-error" role="alert" hidden></p>
      </div>
    </article>
  );
}

/** The "possible same story" section. */
export function SuggestionSection(props: { entries: SuggestionEntry[]; csrf: string; back: string; title?: string }) {
  return (
    <section id="suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">
        {props.title ?? 'Possible same story'} (<span id="suggestion-count">{props.entries.length}</span>)
      </h2>
      <p class="muted" id="no-suggestions" hidden={props.entries.length > 0}>
        No pairs to decide.
      </p>
      {props.entries.map((e) => (
        <PairCard entry={e} csrf={props.csrf} back={props.back} />
      ))}
    </section>
  );
}
