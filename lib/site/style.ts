// The reader site's stylesheet, inlined in every page (no extra request, no external fonts) and allowed by its hash.
import { createHash } from 'node:crypto';

/**
 * System font stacks only: a serif for reading (headlines, quotes), the platform's UI face for everything else.
 * Colours meet WCAG AA contrast in both schemes; logical properties (`inline-start`) keep right-to-left quotes right.
 */
export const CSS = `
:root{--bg:#fbfaf7;--fg:#1c1b19;--muted:#5b5852;--rule:#e2ded6;--soft:#f1eee8;--accent:#a3171c;--accent-soft:#f6e4e2;--ok:#1d6b3a;--bar:#3b5b7a;
--serif:"Iowan Old Style","Palatino Linotype",Palatino,Georgia,"Noto Serif",serif;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#141413;--fg:#ece8e1;--muted:#aaa59b;--rule:#302e2a;--soft:#1e1d1b;--accent:#ff8f86;--accent-soft:#3a1f1d;--ok:#7fd19b;--bar:#8fb3d6}}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.55 var(--sans);-webkit-text-size-adjust:100%;text-size-adjust:100%}
:lang(ar),:lang(fa),:lang(ur){font-family:"Noto Naskh Arabic","Geeza Pro","Arabic Typesetting",var(--sans);line-height:1.8}
a{color:inherit;text-decoration-thickness:.08em;text-underline-offset:.18em}
a:hover{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--fg);color:var(--bg);padding:.5rem 1rem;z-index:1}
.skip:focus{left:1rem}
.wrap{max-width:50rem;margin:0 auto;padding:0 1.25rem}
.masthead{border-bottom:1px solid var(--rule)}
.masthead .wrap{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1.25rem;padding-top:1.1rem;padding-bottom:.9rem}
.brand{font:700 1.9rem/1 var(--serif);letter-spacing:-.01em;text-decoration:none}
.brand:hover{color:inherit}
.tagline{margin:0;color:var(--muted);font-size:.92rem;flex:1 1 14rem}
.lang-switch{font-size:.9rem}
main{display:block;padding:1.5rem 0 3rem}
h1,h2,h3{font-family:var(--serif);line-height:1.2;font-weight:700;margin:0}
.page-title{font-size:1.15rem;font-family:var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0 0 1rem;font-weight:600}
.page-title.filtered{text-transform:none;letter-spacing:0;font:700 1.35rem/1.3 var(--serif);color:var(--fg)}
.filters{display:grid;grid-template-columns:minmax(9rem,1.3fr) minmax(10.5rem,1fr) minmax(10.5rem,1fr) auto;gap:.75rem 1rem;align-items:end;padding:1rem;margin:0 0 1.75rem;background:var(--soft);border:1px solid var(--rule);border-radius:8px}
.filters label{display:flex;flex-direction:column;gap:.25rem;font-size:.82rem;font-weight:600;color:var(--muted);min-width:0}
.filters input,.filters select{font:inherit;font-size:1rem;font-weight:400;color:var(--fg);background:var(--bg);border:1px solid #8a857c;border-radius:6px;padding:.45rem .55rem;min-height:2.6rem;width:100%}
.filters button{font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:6px;padding:.55rem 1.1rem;min-height:2.6rem;cursor:pointer}
@media (prefers-color-scheme:dark){.filters button{color:#1a0d0c}}
.filters .clear{grid-column:1/-1;justify-self:end;font-size:.9rem;margin-top:-.25rem}
.stories{list-style:none;margin:0;padding:0}
.card{padding:1.35rem 0;border-top:1px solid var(--rule)}
.card:first-child{border-top:0;padding-top:.25rem}
.kicker{display:block;margin:0 0 .35rem;font:700 .78rem/1.3 var(--sans);text-transform:uppercase;letter-spacing:.07em;color:var(--accent)}
.card h2{font-size:1.5rem;margin:0 0 .45rem}
.card h2 a{text-decoration:none}
.card h2 a:hover{text-decoration:underline}
.standfirst{margin:0 0 .6rem;font:1.06rem/1.55 var(--serif)}
.meta{margin:.2rem 0 0;color:var(--muted);font-size:.88rem}
.sep{white-space:pre}
.outlets-line{margin:.35rem 0 0;font-size:.92rem}
.badge{display:inline-block;font:700 .72rem/1.5 var(--sans);text-transform:uppercase;letter-spacing:.06em;padding:0 .45rem;border-radius:3px;background:var(--accent-soft);color:var(--accent);vertical-align:.15em;margin-inline-start:.4rem}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1.5rem 0 0;padding-top:1.25rem;border-top:1px solid var(--rule);font-weight:600}
.pager a{text-decoration:none;color:var(--accent)}
.pager a:hover{text-decoration:underline}
.empty{padding:2.5rem 1.5rem;text-align:center;background:var(--soft);border-radius:8px;color:var(--muted);font-size:1.05rem}
.back{display:inline-block;margin:0 0 1.25rem;font-size:.92rem;color:var(--muted);text-decoration:none}
.back:hover{text-decoration:underline}
.story-head h1{font-size:clamp(1.8rem,1.2rem + 2.4vw,2.6rem);letter-spacing:-.01em;margin:0 0 .8rem}
.story-head .standfirst{font-size:1.22rem;line-height:1.5;color:var(--fg);margin:0 0 .9rem}
.story-head .meta{font-size:.9rem}
.glance{margin:2rem 0;padding:1.1rem 1.25rem 1.25rem;background:var(--soft);border:1px solid var(--rule);border-radius:8px}
.glance h2{font:700 .8rem/1.3 var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0 0 .6rem}
.glance .spread{margin:0 0 .3rem;font:600 1.05rem/1.4 var(--serif)}
.glance .verdict{margin:0 0 1rem;font-size:.95rem}
.glance .verdict.blind{color:var(--accent);font-weight:600}
.glance .verdict.wide{color:var(--ok)}
.dims{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:1rem 1.5rem}
.dims h3{font:600 .85rem/1.3 var(--sans);margin:0 0 .4rem}
.bars{list-style:none;margin:0;padding:0;font-size:.88rem}
.bars li{display:grid;grid-template-columns:1fr auto;align-items:baseline;column-gap:.5rem;margin:0 0 .45rem}
.bars .k{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bars .n{color:var(--muted);font-variant-numeric:tabular-nums;font-size:.82rem}
.bar{grid-column:1/-1;display:block;height:.3rem;margin-top:.15rem;border-radius:999px;background:var(--bar);min-width:.3rem}
${Array.from({ length: 20 }, (_, i) => `.w${(i + 1) * 5}{width:${(i + 1) * 5}%}`).join('')}
.other-headlines{margin:0 0 2rem}
.other-headlines h2{font:700 .8rem/1.3 var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0 0 .5rem}
.other-headlines ul{list-style:none;margin:0;padding:0}
.other-headlines li{padding:.45rem 0;border-top:1px solid var(--rule);font:1.02rem/1.45 var(--serif)}
.other-headlines .lname{display:block;font:600 .75rem/1.4 var(--sans);color:var(--muted);text-transform:uppercase;letter-spacing:.06em}
.said-title{font-size:1.45rem;margin:2.25rem 0 .25rem}
.outlet{padding:1.1rem 0 .35rem;border-top:1px solid var(--rule)}
.outlet-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2rem .6rem;margin:0 0 .55rem}
.outlet-head h3{font-size:1.15rem}
.outlet-head .where{color:var(--muted);font-size:.9rem}
.said{margin:0 0 1rem}
.said .quote{margin:0;font:1.08rem/1.6 var(--serif)}
.said .quote .q{font-style:normal}
.said .quote .q[dir=rtl]{font-size:1.12em}
.said .person{font-weight:600}
.said cite{font-style:italic}
.said .source{margin:.3rem 0 0;font-size:.88rem;color:var(--muted)}
.said .source a{color:var(--fg)}
.said .source a::after{content:" ↗";font-size:.85em}
footer.site{border-top:1px solid var(--rule);padding:1.5rem 0 2.5rem;color:var(--muted);font-size:.88rem}
footer.site p{margin:.3rem 0}
footer.site nav a{margin-inline-end:1rem}
.error-page{padding:2rem 0}
.error-page h1{font-size:2rem;margin:0 0 .75rem}
.error-page .code{font:700 .8rem/1 var(--sans);letter-spacing:.1em;color:var(--accent);text-transform:uppercase;margin:0 0 .6rem}
@media (max-width:40rem){.card h2{font-size:1.3rem}.wrap{padding:0 1rem}.filters{padding:.85rem;grid-template-columns:1fr 1fr}.filters .search,.filters button{grid-column:1/-1}.brand{font-size:1.65rem}.story-head .standfirst{font-size:1.1rem}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--rule:#bbb;--soft:#fff;--accent:#000}
.skip,.filters,.pager,.lang-switch,footer.site nav,.back{display:none}
body{font-size:11pt}.wrap{max-width:none;padding:0}.glance{break-inside:avoid;border-color:#999}
.said{break-inside:avoid}.said .source a::after{content:" (" attr(href) ")";font-size:.8em;word-break:break-all}
a{text-decoration:none}}
`
  .trim()
  .replace(/\n/g, '');

/** CSP source allowing exactly this stylesheet inline. */
export const CSS_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;
