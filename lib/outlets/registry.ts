// Curated default list of international outlets and their public feeds, with lookup helpers.
import type { FeedDef, Outlet } from '../types.ts';

export { UNKNOWN_COUNTRY, UNKNOWN_REGION } from './register.ts';
// Validation lives apart (no registry data in the bundles that only validate); re-exported for the registry's users.
export { REGIONS, validateOutlets, type Region, type ValidateOptions } from './validate.ts';

type FeedSpec = [slug: string, url: string, title?: string, language?: string];

// Keeps the table below readable: feed ids are always `<outletId>/<slug>`, so they cannot drift.
function outlet(meta: Omit<Outlet, 'feeds'>, feeds: FeedSpec[]): Outlet {
  return {
    ...meta,
    feeds: feeds.map(([slug, url, title, language]): FeedDef => {
      const feed: FeedDef = { id: `${meta.id}/${slug}`, url };
      if (title !== undefined) feed.title = title;
      if (language !== undefined) feed.language = language;
      return feed;
    }),
  };
}

/**
 * Curated default outlets with their public RSS/Atom feeds.
 *
 * Feed URLs are the outlets' well-known public endpoints; publishers do move them, which the
 * fetcher's redirect/410 handling is there to absorb. `FeedDef.language` is only set when a
 * feed's language differs from the outlet's first language.
 */
export const DEFAULT_OUTLETS: Outlet[] = [
  // ── Americas ──────────────────────────────────────────────────────────────
  outlet(
    { id: 'le-devoir', name: 'Le Devoir', city: 'Montreal', country: 'CA', region: 'americas', languages: ['fr'], homepage: 'https://www.ledevoir.com' },
    [
      ['manchettes', 'https://www.ledevoir.com/rss/manchettes.xml', 'Le Devoir — Manchettes'],
      ['international', 'https://www.ledevoir.com/rss/section/international.xml', 'Le Devoir — International'],
    ],
  ),
  outlet(
    { id: 'radio-canada', name: 'Radio-Canada', city: 'Montreal', country: 'CA', region: 'americas', languages: ['fr'], homepage: 'https://ici.radio-canada.ca' },
    [['actualites', 'https://ici.radio-canada.ca/rss/4159', 'Radio-Canada — Grands titres']],
  ),
  outlet(
    { id: 'cbc', name: 'CBC News', city: 'Toronto', country: 'CA', region: 'americas', languages: ['en'], homepage: 'https://www.cbc.ca/news' },
    [
      ['top-stories', 'https://www.cbc.ca/webfeed/rss/rss-topstories', 'CBC — Top Stories'],
      ['world', 'https://www.cbc.ca/webfeed/rss/rss-world', 'CBC — World'],
    ],
  ),
  outlet(
    { id: 'globe-and-mail', name: 'The Globe and Mail', city: 'Toronto', country: 'CA', region: 'americas', languages: ['en'], homepage: 'https://www.theglobeandmail.com' },
    [
      ['world', 'https://www.theglobeandmail.com/arc/outboundfeeds/rss/category/world/', 'The Globe and Mail — World'],
      ['politics', 'https://www.theglobeandmail.com/arc/outboundfeeds/rss/category/politics/', 'The Globe and Mail — Politics'],
    ],
  ),
  outlet(
    { id: 'wsj', name: 'The Wall Street Journal', city: 'New York', country: 'US', region: 'americas', languages: ['en'], homepage: 'https://www.wsj.com' },
    [
      ['world', 'https://feeds.a.dj.com/rss/RSSWorldNews.xml', 'WSJ — World News'],
      ['business', 'https://feeds.a.dj.com/rss/WSJcomUSBusiness.xml', 'WSJ — US Business'],
      ['markets', 'https://feeds.a.dj.com/rss/RSSMarketsMain.xml', 'WSJ — Markets'],
    ],
  ),
  outlet(
    { id: 'nytimes', name: 'The New York Times', city: 'New York', country: 'US', region: 'americas', languages: ['en'], homepage: 'https://www.nytimes.com' },
    [
      ['home', 'https://rss.nytimes.com/services/xml/rss/nyt/HomePage.xml', 'NYT — Home Page'],
      ['world', 'https://rss.nytimes.com/services/xml/rss/nyt/World.xml', 'NYT — World'],
    ],
  ),
  outlet(
    { id: 'washington-post', name: 'The Washington Post', city: 'Washington', country: 'US', region: 'americas', languages: ['en'], homepage: 'https://www.washingtonpost.com' },
    [
      ['world', 'https://feeds.washingtonpost.com/rss/world', 'Washington Post — World'],
      ['politics', 'https://feeds.washingtonpost.com/rss/politics', 'Washington Post — Politics'],
    ],
  ),
  outlet(
    { id: 'npr', name: 'NPR', city: 'Washington', country: 'US', region: 'americas', languages: ['en'], homepage: 'https://www.npr.org' },
    [
      ['news', 'https://feeds.npr.org/1001/rss.xml', 'NPR — News'],
      ['world', 'https://feeds.npr.org/1004/rss.xml', 'NPR — World'],
    ],
  ),
  outlet(
    { id: 'clarin', name: 'Clarín', city: 'Buenos Aires', country: 'AR', region: 'americas', languages: ['es'], homepage: 'https://www.clarin.com' },
    [
      ['lo-ultimo', 'https://www.clarin.com/rss/lo-ultimo/', 'Clarín — Lo último'],
      ['mundo', 'https://www.clarin.com/rss/mundo/', 'Clarín — Mundo'],
    ],
  ),
  outlet(
    { id: 'la-nacion', name: 'La Nación', city: 'Buenos Aires', country: 'AR', region: 'americas', languages: ['es'], homepage: 'https://www.lanacion.com.ar' },
    [['ultimas', 'https://www.lanacion.com.ar/arc/outboundfeeds/rss/?outputType=xml', 'La Nación — Últimas noticias']],
  ),
  outlet(
    { id: 'infobae', name: 'Infobae', city: 'Buenos Aires', country: 'AR', region: 'americas', languages: ['es'], homepage: 'https://www.infobae.com' },
    [['ultimas', 'https://www.infobae.com/arc/outboundfeeds/rss/', 'Infobae — Últimas noticias']],
  ),
  outlet(
    { id: 'el-tiempo', name: 'El Tiempo', city: 'Bogotá', country: 'CO', region: 'americas', languages: ['es'], homepage: 'https://www.eltiempo.com' },
    [['mundo', 'https://www.eltiempo.com/rss/mundo.xml', 'El Tiempo — Mundo']],
  ),
  outlet(
    { id: 'la-jornada', name: 'La Jornada', city: 'Mexico City', country: 'MX', region: 'americas', languages: ['es'], homepage: 'https://www.jornada.com.mx' },
    [['mundo', 'https://www.jornada.com.mx/rss/mundo.xml?v=1', 'La Jornada — Mundo']],
  ),
  outlet(
    { id: 'folha', name: 'Folha de S.Paulo', city: 'São Paulo', country: 'BR', region: 'americas', languages: ['pt'], homepage: 'https://www.folha.uol.com.br' },
    [
      ['em-cima-da-hora', 'https://feeds.folha.uol.com.br/emcimadahora/rss091.xml', 'Folha — Em cima da hora'],
      ['mundo', 'https://feeds.folha.uol.com.br/mundo/rss091.xml', 'Folha — Mundo'],
    ],
  ),

  // ── Europe ────────────────────────────────────────────────────────────────
  outlet(
    { id: 'le-monde', name: 'Le Monde', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr', 'en'], homepage: 'https://www.lemonde.fr' },
    [
      ['une', 'https://www.lemonde.fr/rss/une.xml', 'Le Monde — À la une'],
      ['international', 'https://www.lemonde.fr/international/rss_full.xml', 'Le Monde — International'],
      ['english', 'https://www.lemonde.fr/en/rss/une.xml', 'Le Monde in English', 'en'],
    ],
  ),
  outlet(
    // A separate outlet because editors cite it as such, although it is Le Monde's Paris newsroom.
    { id: 'le-monde-afrique', name: 'Le Monde Afrique', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr'], homepage: 'https://www.lemonde.fr/afrique/' },
    [['afrique', 'https://www.lemonde.fr/afrique/rss_full.xml', 'Le Monde Afrique']],
  ),
  outlet(
    { id: 'le-point', name: 'Le Point', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr'], homepage: 'https://www.lepoint.fr' },
    [
      ['une', 'https://www.lepoint.fr/rss.xml', 'Le Point — À la une'],
      ['monde', 'https://www.lepoint.fr/monde/rss.xml', 'Le Point — Monde'],
    ],
  ),
  outlet(
    { id: 'le-figaro', name: 'Le Figaro', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr'], homepage: 'https://www.lefigaro.fr' },
    [
      ['actualites', 'https://www.lefigaro.fr/rss/figaro_actualites.xml', 'Le Figaro — Actualités'],
      ['international', 'https://www.lefigaro.fr/rss/figaro_international.xml', 'Le Figaro — International'],
    ],
  ),
  outlet(
    { id: 'rfi', name: 'RFI', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr', 'en', 'zh'], homepage: 'https://www.rfi.fr' },
    [
      ['fr', 'https://www.rfi.fr/fr/rss', 'RFI — Toute l’actualité'],
      ['afrique', 'https://www.rfi.fr/fr/afrique/rss', 'RFI — Afrique'],
      ['en', 'https://www.rfi.fr/en/rss', 'RFI — English', 'en'],
      ['cn', 'https://www.rfi.fr/cn/rss', 'RFI — 中文', 'zh'],
    ],
  ),
  outlet(
    { id: 'france-24', name: 'France 24', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr', 'en', 'es', 'ar'], homepage: 'https://www.france24.com' },
    [
      ['fr', 'https://www.france24.com/fr/rss', 'France 24 — Info'],
      ['en', 'https://www.france24.com/en/rss', 'France 24 — News', 'en'],
      ['es', 'https://www.france24.com/es/rss', 'France 24 — Noticias', 'es'],
      ['ar', 'https://www.france24.com/ar/rss', 'فرانس 24 — أخبار', 'ar'],
    ],
  ),
  outlet(
    // Editorially African, but the newsroom is in Paris.
    { id: 'jeune-afrique', name: 'Jeune Afrique', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr'], homepage: 'https://www.jeuneafrique.com' },
    [['actualites', 'https://www.jeuneafrique.com/feed/', 'Jeune Afrique']],
  ),
  outlet(
    { id: 'bbc', name: 'BBC News', city: 'London', country: 'GB', region: 'europe', languages: ['en', 'es', 'ar'], homepage: 'https://www.bbc.com/news' },
    [
      ['top-stories', 'https://feeds.bbci.co.uk/news/rss.xml', 'BBC News — Top Stories'],
      ['world', 'https://feeds.bbci.co.uk/news/world/rss.xml', 'BBC News — World'],
      ['mundo', 'https://feeds.bbci.co.uk/mundo/rss.xml', 'BBC News Mundo', 'es'],
      ['arabic', 'https://feeds.bbci.co.uk/arabic/rss.xml', 'بي بي سي عربي', 'ar'],
    ],
  ),
  outlet(
    { id: 'guardian', name: 'The Guardian', city: 'London', country: 'GB', region: 'europe', languages: ['en'], homepage: 'https://www.theguardian.com' },
    [
      ['world', 'https://www.theguardian.com/world/rss', 'The Guardian — World news'],
      ['uk', 'https://www.theguardian.com/uk-news/rss', 'The Guardian — UK news'],
    ],
  ),
  outlet(
    { id: 'financial-times', name: 'Financial Times', city: 'London', country: 'GB', region: 'europe', languages: ['en'], homepage: 'https://www.ft.com' },
    [['world', 'https://www.ft.com/world?format=rss', 'FT — World']],
  ),
  outlet(
    // The pan-Arab daily is edited in London, which is how magazines credit it.
    { id: 'asharq-al-awsat', name: 'Asharq Al-Awsat', city: 'London', country: 'GB', region: 'europe', languages: ['ar', 'en'], homepage: 'https://aawsat.com' },
    [
      ['ar', 'https://aawsat.com/feed', 'الشرق الأوسط'],
      ['en', 'https://english.aawsat.com/feed', 'Asharq Al-Awsat — English', 'en'],
    ],
  ),
  outlet(
    { id: 'el-pais', name: 'El País', city: 'Madrid', country: 'ES', region: 'europe', languages: ['es'], homepage: 'https://elpais.com' },
    [
      ['portada', 'https://feeds.elpais.com/mrss-s/pages/ep/site/elpais.com/portada', 'El País — Portada'],
      ['internacional', 'https://feeds.elpais.com/mrss-s/pages/ep/site/elpais.com/section/internacional/portada', 'El País — Internacional'],
    ],
  ),
  outlet(
    { id: 'el-mundo', name: 'El Mundo', city: 'Madrid', country: 'ES', region: 'europe', languages: ['es'], homepage: 'https://www.elmundo.es' },
    [
      ['portada', 'https://e00-elmundo.uecdn.es/elmundo/rss/portada.xml', 'El Mundo — Portada'],
      ['internacional', 'https://e00-elmundo.uecdn.es/elmundo/rss/internacional.xml', 'El Mundo — Internacional'],
    ],
  ),
  outlet(
    { id: 'publico', name: 'Público', city: 'Lisbon', country: 'PT', region: 'europe', languages: ['pt'], homepage: 'https://www.publico.pt' },
    [['ultimas', 'https://feeds.feedburner.com/PublicoRSS', 'Público — Últimas']],
  ),
  outlet(
    { id: 'der-spiegel', name: 'Der Spiegel', city: 'Hamburg', country: 'DE', region: 'europe', languages: ['de', 'en'], homepage: 'https://www.spiegel.de' },
    [
      ['schlagzeilen', 'https://www.spiegel.de/schlagzeilen/index.rss', 'Spiegel — Schlagzeilen'],
      ['ausland', 'https://www.spiegel.de/ausland/index.rss', 'Spiegel — Ausland'],
      ['international', 'https://www.spiegel.de/international/index.rss', 'Spiegel International', 'en'],
    ],
  ),
  outlet(
    { id: 'die-zeit', name: 'Die Zeit', city: 'Hamburg', country: 'DE', region: 'europe', languages: ['de'], homepage: 'https://www.zeit.de' },
    [
      ['index', 'https://newsfeed.zeit.de/index', 'Zeit Online — Startseite'],
      ['politik', 'https://newsfeed.zeit.de/politik/index', 'Zeit Online — Politik'],
    ],
  ),
  outlet(
    { id: 'faz', name: 'Frankfurter Allgemeine Zeitung', city: 'Frankfurt', country: 'DE', region: 'europe', languages: ['de'], homepage: 'https://www.faz.net' },
    [
      ['aktuell', 'https://www.faz.net/rss/aktuell/', 'FAZ — Aktuell'],
      ['ausland', 'https://www.faz.net/rss/aktuell/politik/ausland/', 'FAZ — Ausland'],
    ],
  ),
  outlet(
    { id: 'sueddeutsche', name: 'Süddeutsche Zeitung', city: 'Munich', country: 'DE', region: 'europe', languages: ['de'], homepage: 'https://www.sueddeutsche.de' },
    [
      ['topthemen', 'https://rss.sueddeutsche.de/rss/Topthemen', 'SZ — Topthemen'],
      ['politik', 'https://rss.sueddeutsche.de/rss/Politik', 'SZ — Politik'],
    ],
  ),
  outlet(
    { id: 'deutsche-welle', name: 'Deutsche Welle', city: 'Bonn', country: 'DE', region: 'europe', languages: ['de', 'en'], homepage: 'https://www.dw.com' },
    [
      ['de', 'https://rss.dw.com/xml/rss-de-all', 'DW — Nachrichten'],
      ['en', 'https://rss.dw.com/xml/rss-en-all', 'DW — News', 'en'],
    ],
  ),
  outlet(
    { id: 'corriere', name: 'Corriere della Sera', city: 'Milan', country: 'IT', region: 'europe', languages: ['it'], homepage: 'https://www.corriere.it' },
    [
      ['homepage', 'https://xml2.corriereobjects.it/rss/homepage.xml', 'Corriere — Homepage'],
      ['esteri', 'https://xml2.corriereobjects.it/rss/esteri.xml', 'Corriere — Esteri'],
    ],
  ),
  outlet(
    { id: 'repubblica', name: 'La Repubblica', city: 'Rome', country: 'IT', region: 'europe', languages: ['it'], homepage: 'https://www.repubblica.it' },
    [
      ['homepage', 'https://www.repubblica.it/rss/homepage/rss2.0.xml', 'Repubblica — Homepage'],
      ['esteri', 'https://www.repubblica.it/rss/esteri/rss2.0.xml', 'Repubblica — Esteri'],
    ],
  ),
  outlet(
    { id: 'ansa', name: 'ANSA', city: 'Rome', country: 'IT', region: 'europe', languages: ['it'], homepage: 'https://www.ansa.it' },
    [
      ['ultima-ora', 'https://www.ansa.it/sito/ansait_rss.xml', 'ANSA — Ultima ora'],
      ['mondo', 'https://www.ansa.it/sito/notizie/mondo/mondo_rss.xml', 'ANSA — Mondo'],
    ],
  ),
  outlet(
    { id: 'nzz', name: 'Neue Zürcher Zeitung', city: 'Zurich', country: 'CH', region: 'europe', languages: ['de'], homepage: 'https://www.nzz.ch' },
    [
      ['recent', 'https://www.nzz.ch/recent.rss', 'NZZ — Neueste Artikel'],
      ['international', 'https://www.nzz.ch/international.rss', 'NZZ — International'],
    ],
  ),
  outlet(
    { id: 'le-temps', name: 'Le Temps', city: 'Geneva', country: 'CH', region: 'europe', languages: ['fr'], homepage: 'https://www.letemps.ch' },
    [['articles', 'https://www.letemps.ch/articles.rss', 'Le Temps — Articles']],
  ),
  outlet(
    // Exiled Russian-language newsroom; listed under its base, not the country it covers.
    { id: 'meduza', name: 'Meduza', city: 'Riga', country: 'LV', region: 'europe', languages: ['ru', 'en'], homepage: 'https://meduza.io' },
    [
      ['ru', 'https://meduza.io/rss/all', 'Медуза'],
      ['en', 'https://meduza.io/rss/en/all', 'Meduza in English', 'en'],
    ],
  ),
  outlet(
    { id: 'kommersant', name: 'Kommersant', city: 'Moscow', country: 'RU', region: 'europe', languages: ['ru'], homepage: 'https://www.kommersant.ru' },
    [['news', 'https://www.kommersant.ru/RSS/news.xml', 'Коммерсантъ — Новости']],
  ),
  outlet(
    { id: 'kyiv-independent', name: 'The Kyiv Independent', city: 'Kyiv', country: 'UA', region: 'europe', languages: ['en'], homepage: 'https://kyivindependent.com' },
    [['news', 'https://kyivindependent.com/feed/', 'The Kyiv Independent']],
  ),

  // ── Africa ────────────────────────────────────────────────────────────────
  outlet(
    { id: 'lobservateur-paalga', name: "L'Observateur Paalga", city: 'Ouagadougou', country: 'BF', region: 'africa', languages: ['fr'], homepage: 'https://www.lobservateur.bf' },
    [['actualites', 'https://www.lobservateur.bf/feed/', "L'Observateur Paalga — Actualités"]],
  ),
  outlet(
    { id: 'lefaso-net', name: 'Lefaso.net', city: 'Ouagadougou', country: 'BF', region: 'africa', languages: ['fr'], homepage: 'https://lefaso.net' },
    [['actualites', 'https://lefaso.net/spip.php?page=backend', 'Lefaso.net']],
  ),
  outlet(
    { id: 'daily-maverick', name: 'Daily Maverick', city: 'Cape Town', country: 'ZA', region: 'africa', languages: ['en'], homepage: 'https://www.dailymaverick.co.za' },
    [['news', 'https://www.dailymaverick.co.za/dmrss/', 'Daily Maverick']],
  ),
  outlet(
    { id: 'mail-guardian', name: 'Mail & Guardian', city: 'Johannesburg', country: 'ZA', region: 'africa', languages: ['en'], homepage: 'https://mg.co.za' },
    [['news', 'https://mg.co.za/feed/', 'Mail & Guardian']],
  ),
  outlet(
    { id: 'premium-times', name: 'Premium Times', city: 'Abuja', country: 'NG', region: 'africa', languages: ['en'], homepage: 'https://www.premiumtimesng.com' },
    [['news', 'https://www.premiumtimesng.com/feed', 'Premium Times']],
  ),
  outlet(
    { id: 'punch', name: 'The Punch', city: 'Lagos', country: 'NG', region: 'africa', languages: ['en'], homepage: 'https://punchng.com' },
    [['news', 'https://punchng.com/feed/', 'Punch Newspapers']],
  ),
  outlet(
    { id: 'nation-kenya', name: 'Daily Nation', city: 'Nairobi', country: 'KE', region: 'africa', languages: ['en'], homepage: 'https://nation.africa/kenya' },
    [['news', 'https://nation.africa/kenya/rss.xml', 'Nation — Kenya']],
  ),
  outlet(
    { id: 'hespress', name: 'Hespress', city: 'Rabat', country: 'MA', region: 'africa', languages: ['ar', 'fr', 'en'], homepage: 'https://www.hespress.com' },
    [
      ['ar', 'https://www.hespress.com/feed', 'هسبريس'],
      ['fr', 'https://fr.hespress.com/feed', 'Hespress FR', 'fr'],
      ['en', 'https://en.hespress.com/feed', 'Hespress English', 'en'],
    ],
  ),

  // ── Middle East ───────────────────────────────────────────────────────────
  outlet(
    { id: 'al-jazeera', name: 'Al Jazeera', city: 'Doha', country: 'QA', region: 'middle-east', languages: ['en', 'ar'], homepage: 'https://www.aljazeera.com' },
    [
      ['news-en', 'https://www.aljazeera.com/xml/rss/all.xml', 'Al Jazeera English — All news'],
      [
        'news-ar',
        'https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9',
        'الجزيرة نت — أخبار',
        'ar',
      ],
    ],
  ),
  outlet(
    { id: 'al-arabiya', name: 'Al Arabiya', city: 'Dubai', country: 'AE', region: 'middle-east', languages: ['ar', 'en'], homepage: 'https://www.alarabiya.net' },
    [
      ['ar', 'https://www.alarabiya.net/.mrss/ar.xml', 'العربية'],
      ['en', 'https://english.alarabiya.net/.mrss/en.xml', 'Al Arabiya English', 'en'],
    ],
  ),
  outlet(
    { id: 'the-national', name: 'The National', city: 'Abu Dhabi', country: 'AE', region: 'middle-east', languages: ['en'], homepage: 'https://www.thenationalnews.com' },
    [['news', 'https://www.thenationalnews.com/arc/outboundfeeds/rss/?outputType=xml', 'The National']],
  ),
  outlet(
    { id: 'haaretz', name: 'Haaretz', city: 'Tel Aviv', country: 'IL', region: 'middle-east', languages: ['en', 'he'], homepage: 'https://www.haaretz.com' },
    [['latest', 'https://www.haaretz.com/srv/haaretz-latest-headlines', 'Haaretz — Latest headlines']],
  ),
  outlet(
    { id: 'times-of-israel', name: 'The Times of Israel', city: 'Jerusalem', country: 'IL', region: 'middle-east', languages: ['en'], homepage: 'https://www.timesofisrael.com' },
    [['news', 'https://www.timesofisrael.com/feed/', 'The Times of Israel']],
  ),
  outlet(
    { id: 'anadolu', name: 'Anadolu Agency', city: 'Ankara', country: 'TR', region: 'middle-east', languages: ['tr', 'en'], homepage: 'https://www.aa.com.tr' },
    [
      ['tr', 'https://www.aa.com.tr/tr/rss/default?cat=guncel', 'Anadolu Ajansı — Güncel'],
      ['en', 'https://www.aa.com.tr/en/rss/default?cat=guncel', 'Anadolu Agency — Latest', 'en'],
    ],
  ),
  outlet(
    { id: 'lorient-le-jour', name: "L'Orient-Le Jour", city: 'Beirut', country: 'LB', region: 'middle-east', languages: ['fr'], homepage: 'https://www.lorientlejour.com' },
    [['actualites', 'https://www.lorientlejour.com/rss', "L'Orient-Le Jour"]],
  ),

  // ── Asia ──────────────────────────────────────────────────────────────────
  outlet(
    { id: 'dawn', name: 'Dawn', city: 'Karachi', country: 'PK', region: 'asia', languages: ['en'], homepage: 'https://www.dawn.com' },
    [
      ['home', 'https://www.dawn.com/feeds/home', 'Dawn — Home'],
      ['world', 'https://www.dawn.com/feeds/world', 'Dawn — World'],
    ],
  ),
  outlet(
    { id: 'the-hindu', name: 'The Hindu', city: 'Chennai', country: 'IN', region: 'asia', languages: ['en'], homepage: 'https://www.thehindu.com' },
    [
      ['national', 'https://www.thehindu.com/news/national/feeder/default.rss', 'The Hindu — National'],
      ['international', 'https://www.thehindu.com/news/international/feeder/default.rss', 'The Hindu — International'],
    ],
  ),
  outlet(
    { id: 'times-of-india', name: 'The Times of India', city: 'Mumbai', country: 'IN', region: 'asia', languages: ['en'], homepage: 'https://timesofindia.indiatimes.com' },
    [
      ['top-stories', 'https://timesofindia.indiatimes.com/rssfeedstopstories.cms', 'TOI — Top stories'],
      ['world', 'https://timesofindia.indiatimes.com/rssfeeds/296589292.cms', 'TOI — World'],
    ],
  ),
  outlet(
    { id: 'scmp', name: 'South China Morning Post', city: 'Hong Kong', country: 'HK', region: 'asia', languages: ['en'], homepage: 'https://www.scmp.com' },
    [
      ['world', 'https://www.scmp.com/rss/91/feed', 'SCMP — World'],
      ['china', 'https://www.scmp.com/rss/4/feed', 'SCMP — China'],
    ],
  ),
  outlet(
    { id: 'people-daily', name: "People's Daily", city: 'Beijing', country: 'CN', region: 'asia', languages: ['zh'], homepage: 'http://www.people.com.cn' },
    [['world', 'http://www.people.com.cn/rss/world.xml', '人民网 — 国际']],
  ),
  outlet(
    { id: 'china-daily', name: 'China Daily', city: 'Beijing', country: 'CN', region: 'asia', languages: ['en'], homepage: 'https://www.chinadaily.com.cn' },
    [['world', 'https://www.chinadaily.com.cn/rss/world_rss.xml', 'China Daily — World']],
  ),
  outlet(
    { id: 'japan-times', name: 'The Japan Times', city: 'Tokyo', country: 'JP', region: 'asia', languages: ['en'], homepage: 'https://www.japantimes.co.jp' },
    [['news', 'https://www.japantimes.co.jp/feed/', 'The Japan Times']],
  ),
  outlet(
    { id: 'nhk', name: 'NHK', city: 'Tokyo', country: 'JP', region: 'asia', languages: ['ja'], homepage: 'https://www3.nhk.or.jp/news/' },
    [
      ['main', 'https://www3.nhk.or.jp/rss/news/cat0.xml', 'NHKニュース — 主要'],
      ['international', 'https://www3.nhk.or.jp/rss/news/cat6.xml', 'NHKニュース — 国際'],
    ],
  ),
  outlet(
    { id: 'asahi', name: 'Asahi Shimbun', city: 'Tokyo', country: 'JP', region: 'asia', languages: ['ja'], homepage: 'https://www.asahi.com' },
    [['headlines', 'https://www.asahi.com/rss/asahi/newsheadlines.rdf', '朝日新聞 — ニュース']],
  ),
  outlet(
    { id: 'yonhap', name: 'Yonhap', city: 'Seoul', country: 'KR', region: 'asia', languages: ['en'], homepage: 'https://en.yna.co.kr' },
    [['news', 'https://en.yna.co.kr/RSS/news.xml', 'Yonhap News Agency']],
  ),
  outlet(
    { id: 'straits-times', name: 'The Straits Times', city: 'Singapore', country: 'SG', region: 'asia', languages: ['en'], homepage: 'https://www.straitstimes.com' },
    [
      ['world', 'https://www.straitstimes.com/news/world/rss.xml', 'The Straits Times — World'],
      ['asia', 'https://www.straitstimes.com/news/asia/rss.xml', 'The Straits Times — Asia'],
    ],
  ),
  outlet(
    { id: 'bangkok-post', name: 'Bangkok Post', city: 'Bangkok', country: 'TH', region: 'asia', languages: ['en'], homepage: 'https://www.bangkokpost.com' },
    [['top-stories', 'https://www.bangkokpost.com/rss/data/topstories.xml', 'Bangkok Post — Top stories']],
  ),
  outlet(
    { id: 'rappler', name: 'Rappler', city: 'Manila', country: 'PH', region: 'asia', languages: ['en'], homepage: 'https://www.rappler.com' },
    [['news', 'https://www.rappler.com/feed/', 'Rappler']],
  ),

  // ── Oceania ───────────────────────────────────────────────────────────────
  outlet(
    { id: 'abc-australia', name: 'ABC News', city: 'Sydney', country: 'AU', region: 'oceania', languages: ['en'], homepage: 'https://www.abc.net.au/news' },
    [
      ['top-stories', 'https://www.abc.net.au/news/feed/51120/rss.xml', 'ABC News — Top stories'],
      ['world', 'https://www.abc.net.au/news/feed/52278/rss.xml', 'ABC News — World'],
    ],
  ),
  outlet(
    { id: 'smh', name: 'The Sydney Morning Herald', city: 'Sydney', country: 'AU', region: 'oceania', languages: ['en'], homepage: 'https://www.smh.com.au' },
    [
      ['latest', 'https://www.smh.com.au/rss/feed.xml', 'SMH — Latest'],
      ['world', 'https://www.smh.com.au/rss/world.xml', 'SMH — World'],
    ],
  ),
  outlet(
    { id: 'nz-herald', name: 'The New Zealand Herald', city: 'Auckland', country: 'NZ', region: 'oceania', languages: ['en'], homepage: 'https://www.nzherald.co.nz' },
    [['latest', 'https://www.nzherald.co.nz/arc/outboundfeeds/rss/curated/78/?outputType=xml&_website=nzh', 'NZ Herald — Latest']],
  ),
  outlet(
    { id: 'rnz', name: 'RNZ', city: 'Wellington', country: 'NZ', region: 'oceania', languages: ['en'], homepage: 'https://www.rnz.co.nz' },
    [
      ['national', 'https://www.rnz.co.nz/rss/national.xml', 'RNZ — National'],
      ['world', 'https://www.rnz.co.nz/rss/world.xml', 'RNZ — World'],
    ],
  ),
];

/**
 * Looks an outlet up by id.
 * @param outlets list to search; the default registry unless given (e.g. outlets imported from OPML).
 */
export function findOutlet(id: string, outlets: readonly Outlet[] = DEFAULT_OUTLETS): Outlet | undefined {
  return outlets.find((o) => o.id === id);
}

/** A feed together with the outlet that publishes it, the unit the fetcher schedules. */
export interface FeedWithOutlet {
  feed: FeedDef;
  outlet: Outlet;
}

/** Flattens outlets to one entry per feed, in registry order. */
export function feedsOf(outlets: readonly Outlet[] = DEFAULT_OUTLETS): FeedWithOutlet[] {
  return outlets.flatMap((outlet) => outlet.feeds.map((feed) => ({ feed, outlet })));
}
