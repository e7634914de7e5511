// Domain types shared by every pipeline stage: outlets, feeds, items, stories and editor records.

/** ISO 8601 timestamp string (UTC, e.g. `2026-11-26T09:45:00.000Z`). */
export type IsoDate = string;

/** A news organisation whose feeds we read. */
export interface Outlet {
  id: string;
  name: string;
  city: string;
  /** ISO 3166-1 alpha-2 country code, upper case. */
  country: string;
  /** Continent-level region: `africa`, `americas`, `asia`, `europe`, `middle-east`, `oceania`. */
  region: string;
  /** BCP 47 primary language subtags, most used first. */
  languages: string[];
  homepage: string;
  feeds: FeedDef[];
}

/** One feed of an outlet as configured (registry or OPML). */
export interface FeedDef {
  /** Stable id, unique across all outlets (e.g. `le-devoir/international`). */
  id: string;
  url: string;
  title?: string;
  /** Language of the feed when it differs from the outlet's first language. */
  language?: string;
}

/** Per-feed fetch state and health, stored on the feed and updated every attempt. */
export interface FeedState {
  feedId: string;
  outletId: string;
  /** Current URL (may have moved after repeated permanent redirects). */
  url: string;
  etag?: string;
  lastModified?: string;
  lastAttemptAt?: IsoDate;
  lastSuccessAt?: IsoDate;
  httpStatus?: number;
  /** Error class name of the last failure (`FetchTimeoutError`, `ParseError`, …); absent when healthy. */
  errorClass?: string;
  errorMessage?: string;
  consecutiveFailures: number;
  nextDueAt: IsoDate;
  /** Number of items seen in the last successful parse. */
  itemsSeen: number;
  /** A recoverable problem seen on the last successful fetch (e.g. invalid bytes for the declared charset). */
  warning?: string;
  /** True once the feed answered 410 Gone: it is never polled again. */
  gone?: boolean;
  /** Target of a permanent redirect and how many consecutive attempts saw it. */
  pendingRedirect?: { url: string; count: number };
  /**
   * Scheduler claims since the feed was last saved by a fetch (set by the claim, cleared by `saveFeed`): above 1,
   * earlier claims expired without a fetch finishing (a worker crashed, or the message keeps failing).
   */
  claims?: number;
}

/** A normalized feed entry, ready to group and store. */
export interface Item {
  /** Stable id derived from feed + guid/link/content hash. */
  id: string;
  feedId: string;
  outletId: string;
  guid?: string;
  /** Canonical article URL. */
  url?: string;
  title: string;
  /** Plain-text summary, verbatim from the feed (tags stripped, entities decoded). */
  summary?: string;
  author?: string;
  /** BCP 47 primary subtag (`en`, `fr`, …) or `und`. */
  language: string;
  /** Date exactly as the feed gave it, if any. */
  publishedRaw?: string;
  /** Date used for ordering: parsed published date, else first seen; never in the future. */
  publishedAt: IsoDate;
  firstSeenAt: IsoDate;
  image?: string;
  /** Hash of the fields that matter to readers; a change means the item was edited. */
  contentHash: string;
}

/** Why an item belongs to its story: the score and the shared signals that decided it. */
export interface Membership {
  storyId: string;
  itemId: string;
  score: number;
  /** Shared terms and entities that decided the assignment. */
  matched: string[];
  /** `engine` for automatic assignment, `editor` when an editor placed the item. */
  by: 'engine' | 'editor';
  at: IsoDate;
  /** The item's outlet and publication time (what a runaway story's shown items are chosen by). */
  outletId?: string;
  publishedAt?: IsoDate;
}

/** Publication state of a story. */
export type StoryStatus = 'auto' | 'approved' | 'unpublished';

/**
 * A story's headline in one language, taken from a member item in that language (see lib/group/headlines.ts). Its
 * standfirst is that item's summary, read from the item when served: every story write pays for the record's size
 * in write units, and a standfirst per language cost 0.6 WCU per new item on the multilingual sample day.
 */
export interface StoryHeadline {
  headline: string;
  /** The member item it comes from (its summary is the standfirst). */
  itemId: string;
  /** Set when the item has a summary: an item with one is preferred, and a later pass must know without the item. */
  summarized?: true;
  /** How central that item is to the story (its grouping score); kept so a later pass can compare. */
  score: number;
  publishedAt: IsoDate;
}

/** A group of items from one or more outlets about the same news. */
export interface Story {
  id: string;
  label: string;
  headline: string;
  /** Editor-written standfirst, or the representative item's summary. */
  summary?: string;
  /**
   * One headline and standfirst per language the story's items are in (BCP 47 primary subtag → headline), picked by
   * the group stage; readers get the one in their language. An editor-written `headline` wins for the desk's language.
   */
  headlines?: Record<string, StoryHeadline>;
  firstSeenAt: IsoDate;
  /** Last time an item joined or the story was edited. */
  updatedAt: IsoDate;
  /** Time of the newest item (drives the grouping time window). */
  lastItemAt: IsoDate;
  /**
   * The story's items, in the order they joined. As listed (`listStories`), a runaway story (see the README's
   * runaway-story policy) gives only its shown items here, with its size in `itemCount`.
   */
  itemIds: string[];
  /** Number of items, set only where `itemIds` holds a runaway story's shown items (listings). */
  itemCount?: number;
  /** A runaway story's shown items (newest per outlet), set by `getStory` on such a story only. */
  shownItemIds?: string[];
  outletIds: string[];
  /** Optimistic-locking version, incremented on every write. */
  version: number;
  status: StoryStatus;
  pinned?: boolean;
  hidden?: boolean;
  /** Locked stories gain and lose no items automatically. */
  locked?: boolean;
  /** Set when an editor wrote the label: the engine then never relabels. */
  labelByEditor?: boolean;
  /**
   * One label per language the story is told in (BCP 47 primary subtag → label), chosen by the group stage
   * (lib/group/labels.ts); `label` is the desk language's when the story has coverage in it. An editor's main
   * label stands for the desk language too, and languages in `labelsByEditor` keep the editor's.
   */
  labels?: Record<string, string>;
  /** Languages whose label an editor wrote: the engine never relabels them. */
  labelsByEditor?: string[];
  /**
   * Member count the engine's labels were chosen at: they are reconsidered once the story grows materially
   * (0: chosen afresh at the next grouping write).
   */
  labelBasis?: number;
  headlineByEditor?: boolean;
  /** Set when this story was absorbed into another. */
  mergedInto?: string;
  /** Time of the last editor review (approve); changes after it put the story back in the queue. */
  reviewedAt?: IsoDate;
  /** Items an editor split, moved or removed out of this story: the engine never puts them back here. */
  excludedItemIds?: string[];
}
