// Function words (closed word classes: articles, prepositions, conjunctions, pronouns, auxiliaries) per language.
import { foldToken } from './fold.ts';
import { calendarWords, stopwords } from './stem.ts';

/**
 * Closed-class words of the registry's languages, folded. Unlike search stop lists (stopwords-iso's English list
 * has "last", "world", "new", "home"), these hold only words that never name anything, so a phrase that starts
 * or ends on one is cut mid-construction ("withdrawal from", "the cable"), while "Last French troops" or "World
 * Cup final" stay whole. Listed by hand because they are short, closed and stable; `prepositions` are the ones
 * noun phrases are built with ("withdrawal from Mali", "retrait du Mali").
 */
const CLOSED: Record<string, { words: string; prepositions: string; determiners: string }> = {
  en: {
    words:
      'a an the this that these those some any each every no all both either neither such own other another ' +
      'i me my mine we us our ours you your yours he him his she her hers it its they them their theirs one ' +
      'who whom whose which what whatever whoever where when why how whether ' +
      'and or nor but yet so if than then because while although though unless until since as ' +
      'is am are was were be been being has have had having do does did doing will would shall should can ' +
      'could may might must ought not no nor also too very just only even still already ' +
      'there here more most less least much many few several itself themselves himself herself ourselves yourself',
    prepositions:
      'of in on at from to for with without by about against amid amidst among across after before behind ' +
      'below beneath beside besides between beyond despite during except inside into near off onto out outside ' +
      'over past per since through throughout toward towards under underneath until unto up upon via within',
    determiners: 'a an the this that these those some any each every no its their his her our my your',
  },
  fr: {
    words:
      'le la les l un une des du de d au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre ' +
      'vos leur leurs quel quelle quels quelles je j me m moi tu te t toi il elle on nous vous ils elles se s ' +
      'lui eux y en qui que qu quoi dont ou où et mais donc or ni car si comme quand lorsque lorsqu puisque ' +
      'puisqu parce quoique ne n pas plus moins tres aussi deja encore ' +
      'est sont etait etaient sera seront serait ete etre a ont avait avaient aura auront aurait avoir ai as ' +
      'avons avez fait font faire sont soit pourquoi comment combien voici voila',
    prepositions:
      'a au aux de d du des en dans par pour sur sous avec sans contre entre vers chez depuis pendant avant ' +
      'apres selon malgre parmi envers face',
    determiners: 'le la les l un une des du au aux ce cet cette ces son sa ses leur leurs mon ma mes notre nos',
  },
  es: {
    words:
      'el la los las lo un una unos unas del al este esta estos estas ese esa esos esas aquel aquella mi mis tu ' +
      'tus su sus nuestro nuestra nuestros nuestras yo me mi tu te ti el ella ello nosotros vosotros ellos ' +
      'ellas se le les nos que quien quienes cual cuales cuyo donde cuando como y e o u ni pero sino si porque ' +
      'aunque mientras no mas muy ya tambien tan ' +
      'es son era eran fue fueron sera seran ser sido siendo esta estan estaba estar ha han habia haber hay',
    prepositions:
      'a ante bajo con contra de del al desde durante en entre hacia hasta mediante para por segun sin sobre tras',
    determiners: 'el la los las un una unos unas este esta estos estas su sus',
  },
  de: {
    words:
      'der die das den dem des ein eine einen einem einer eines kein keine dieser diese dieses diesen diesem ' +
      'jener jene sein seine ihr ihre unser unsere mein meine dein deine ich du er sie es wir ihr man sich mich ' +
      'dich uns euch ihm ihn ihnen wer was welche welcher welches wo wann wie warum ob und oder aber sondern ' +
      'denn weil dass wenn als nicht auch noch schon nur sehr mehr ' +
      'ist sind war waren wird werden wurde wurden worden sein gewesen hat haben hatte hatten kann konnen ' +
      'soll sollen will wollen muss mussen darf durfen',
    prepositions:
      'in im ins an am ans auf aus bei beim mit nach von vom zu zum zur uber unter vor hinter neben zwischen ' +
      'durch fur gegen ohne um seit wahrend wegen trotz bis ab',
    determiners: 'der die das den dem des ein eine einen einem einer eines',
  },
  pt: {
    words:
      'o a os as um uma uns umas do da dos das no na nos nas ao aos pelo pela pelos pelas este esta estes estas ' +
      'esse essa esses essas aquele aquela seu sua seus suas meu minha eu me mim tu te ele ela eles elas se lhe ' +
      'lhes nos vos que quem qual quais cujo onde quando como e ou nem mas porque se embora nao mais muito ja ' +
      'tambem tao e sao era eram foi foram sera ser sido esta estao estava estar ha tem tinha ter',
    prepositions: 'a ao aos de do da dos das em no na nos nas por pelo pela para com sem sobre sob entre contra ate desde apos ante perante',
    determiners: 'o a os as um uma uns umas este esta estes estas seu sua seus suas',
  },
  it: {
    words:
      'il lo la i gli le l un uno una del dello della dei degli delle al allo alla ai agli alle dal dallo dalla ' +
      'dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle questo questa questi ' +
      'queste quello quella suo sua suoi sue io mi me tu ti te lui lei noi ci voi vi loro si ne che chi cui ' +
      'quale dove quando come e ed o ma se perche anche non piu molto gia ' +
      'e sono era erano fu sara essere stato ha hanno aveva avere',
    prepositions: 'di del della dei degli delle a al alla ai da dal dalla in nel nella con su sul sulla per tra fra contro verso dopo prima senza',
    determiners: 'il lo la i gli le l un uno una',
  },
};

/**
 * Words that open a clause inside a headline ("…slips toward recession as output falls", "…quand…"): a phrase
 * never runs across one.
 */
const CLAUSE: Record<string, string> = {
  en:
    'as while because when whenever if unless although though whereas but which who whom whose that where after ' +
    'before since until is are was were be been being has have had will would can could may might must should does do did',
  fr: 'alors tandis lorsque lorsqu quand car mais qui que qu dont si comme puisque puisqu apres avant est sont etait etaient sera seront ont',
  es: 'mientras porque cuando pero que quien quienes cuyo donde si como aunque tras es son era fue fueron sera ha han',
  de: 'als wahrend weil wenn ob obwohl aber sondern dass wo nachdem bevor',
  pt: 'enquanto porque quando mas que quem cujo onde se como embora apos',
  it: 'mentre perche quando ma che chi cui dove se come sebbene dopo',
};

interface Sets {
  words: Set<string>;
  prepositions: Set<string>;
  determiners: Set<string>;
  clause: Set<string>;
}

const cache = new Map<string, Sets>();

const setOf = (list: string): Set<string> => new Set(list.split(/\s+/u).filter(Boolean).map(foldToken));

function sets(lang: string): Sets {
  let s = cache.get(lang);
  if (s) return s;
  const closed = CLOSED[lang];
  if (closed) {
    const prepositions = setOf(closed.prepositions);
    const determiners = setOf(closed.determiners);
    // Names of days and months are closed classes too, and say when, not what.
    s = { words: new Set([...setOf(closed.words), ...prepositions, ...determiners, ...calendarWords(lang)]), prepositions, determiners, clause: setOf(CLAUSE[lang] ?? '') };
  } else {
    // Languages without a closed list: their search stop list (longer, so phrases in them are cut more often).
    s = { words: stopwords(lang), prepositions: new Set(), determiners: new Set(), clause: new Set() };
  }
  cache.set(lang, s);
  return s;
}

/** True for a folded function word of `lang` (closed classes; stopwords-iso for languages without a list). */
export function isFunctionWord(folded: string, lang: string): boolean {
  return sets(lang).words.has(folded);
}

/** True for a folded preposition of `lang` that builds noun phrases ("of", "from", "du", "de"). */
export function isPreposition(folded: string, lang: string): boolean {
  return sets(lang).prepositions.has(folded);
}

/** True for a folded article or possessive of `lang` ("the", "les", "sus"). */
export function isDeterminer(folded: string, lang: string): boolean {
  return sets(lang).determiners.has(folded);
}

/** True for a folded word of `lang` that opens a clause ("as", "while", "quand", "que"): phrases stop before it. */
export function opensClause(folded: string, lang: string): boolean {
  return sets(lang).clause.has(folded);
}
