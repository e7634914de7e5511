// `npm run bench [-- name...]`: runs the benchmarks (grouping, ingest, parse, cost, api, site, bundles, lexicon, labels, ceiling) and prints their numbers.
const BENCHES: Record<string, () => Promise<Record<string, unknown>>> = {
  grouping: async () => (await import('./grouping.ts')).benchGrouping(),
  ingest: async () => (await import('./ingest.ts')).benchIngest(),
  parse: async () => (await import('./parse.ts')).benchParse(),
  cost: async () => (await import('./cost.ts')).benchCost(),
  api: async () => (await import('./api.ts')).benchApi(),
  site: async () => (await import('./site.ts')).benchSite(),
  bundles: async () => (await import('./bundles.ts')).benchBundles(),
  lexicon: async () => (await import('./lexicon.ts')).benchLexicon(),
  labels: async () => (await import('./labels.ts')).benchLabels(),
  ceiling: async () => (await import('./ceiling.ts')).benchCeiling(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const results: Record<string, unknown> = {};
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  console.error(`\n== bench ${name}`);
  const started = Date.now();
  results[name] = await BENCHES[name]!();
  console.error(`   (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(JSON.stringify({ bench: name, ...(results[name] as object) }, null, 2));
}
console.error(`\nnode ${process.version}, ${process.arch}`);
