// Shared page chrome of the editor desk: head, styles, header with the signed-in editor.
import type { Child } from 'hono/jsx';
import type { Actor } from '../auth.ts';
import { DESK_SCRIPT_PATH } from './enhance.ts';

const CSS = `
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}
header{background:#1d2b3a;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}header .who{margin-left:auto;font-size:.9em;opacity:.85}
main{max-width:1100px;margin:1rem auto;padding:0 1rem}h1{font-size:1.5rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding: .8rem 1rem;margin:.6rem 0}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border-bottom:1px solid #e4e4e4;padding:.4rem .5rem;text-align:left;vertical-align:top}
.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 .35rem;margin:0 .2rem .2rem 0;font-size:.82em}
.tag.warn{background:#fde8c8}.tag.ok{background:#d8f3dc}.tag.bad{background:#f8d7da}
form.inline{display:inline}input[type=text],input[type=password],textarea{width:100%;padding:.35rem;border:1px solid #bbb;border-radius:4px;font:inherit}
button{font:inherit;padding:.3rem .7rem;border:1px solid #888;border-radius:4px;background:#fff;cursor:pointer}button.primary{background:#1d2b3a;color:#fff;border-color:#1d2b3a}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}.muted{color:#666;font-size:.88em}.flash{background:#d8f3dc;padding:.5rem .8rem;border-radius:4px}
.error{background:#f8d7da;padding:.5rem .8rem;border-radius:4px}.outlet{border-left:3px solid #1d2b3a;padding-left:.7rem;margin:.7rem 0}
.item{margin:.4rem 0 .6rem}.item .actions{margin-top:.2rem}label{display:block;margin:.35rem 0 .15rem;font-weight:600;font-size:.9em}
[hidden]{display:none!important}.scroll{overflow-x:auto}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}.filters label{margin:0;font-size:.85em}
.filters select{display:block;margin-top:.15rem;font:inherit;padding:.25rem;border:1px solid #bbb;border-radius:4px;background:#fff;min-width:9rem}
.filters label.check{display:flex;gap:.3rem;align-items:center;font-weight:500;padding-bottom:.35rem}.filters .clear{padding-bottom:.35rem}
.pair{padding:.7rem 1rem .8rem;border-left:4px solid #b7791f}.pair-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:.5rem}
.pair-head .score{margin-left:auto;font-size:.9em;color:#444}.pair-head meter{width:7rem;vertical-align:middle}
.tag.cross{background:#e9d8fd}.tag.entity{background:#d8ecf3}.tag.translated{background:#fdf1d6}.tag.lang{background:#ececec;text-transform:uppercase;font-size:.75em}
.sides{display:grid;grid-template-columns:1fr auto 1fr;gap:.8rem;align-items:start}
.side{background:#fafaf8;border:1px solid #e4e4e4;border-radius:5px;padding:.55rem .7rem;min-width:0}
.side .pair-label{font-weight:600;font-size:1.05em;text-decoration:none;color:#1d2b3a;margin-right:.4rem}.side .pair-label:hover{text-decoration:underline}
.pair-headline{margin:.3rem 0}.pair-outlets{margin:.2rem 0;padding-left:1.1rem}.side p.muted{margin:.3rem 0 0}
.versus{align-self:center;font-size:1.7rem;line-height:1;color:#b7791f}
.evidence{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .8rem;margin:.6rem 0}.evidence dt{font-weight:600;font-size:.85em;padding-top:.1rem}.evidence dd{margin:0}
.pair-actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.pair-actions .hint{flex:1 1 16rem}.pair-actions .error{flex-basis:100%;margin:.3rem 0 0}
@media (max-width:700px){.sides{grid-template-columns:1fr}.versus{display:none}.grid{grid-template-columns:1fr}}
`;

/** Page skeleton; `actor` absent on the sign-in page. */
export function Layout(props: { title: string; actor?: Actor; csrf?: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{props.title} · Roundup editor</title>
        <style>{CSS}</style>
        {props.actor ? <script src={DESK_SCRIPT_PATH} defer></script> : null}
      </head>
      <body>
        <header>
          <a href="/editor">Roundup · editor desk</a>
          {props.actor ? (
            <span class="who">
              {props.actor.name} ({props.actor.role}){' '}
              <form class="inline" method="post" action="/editor/sign-out">
                <input type="hidden" name="csrf" value={props.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </span>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** Hidden fields every state-changing form carries: CSRF token and the story version it was rendered from. */
export function FormGuard(props: { csrf: string; version?: number }) {
  return (
    <>
      <input type="hidden" name="csrf" value={props.csrf} />
      {props.version !== undefined ? <input type="hidden" name="version" value={String(props.version)} /> : null}
    </>
  );
}
