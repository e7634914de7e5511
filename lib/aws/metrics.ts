// Names of the CloudWatch metrics the functions publish (EMF) and the stack's alarms read; no dependencies.

/** Namespace, service dimension and metric names shared by the functions (writers) and infra/stack.ts (alarms). */
export const METRICS = {
  namespace: 'Roundup',
  /** Powertools adds a `service` dimension to every metric; the alarms must name it too. */
  service: 'roundup',
  /** Fetch function: feeds attempted and failed in a batch, new items stored. */
  feedsFetched: 'FeedsFetched',
  feedsFailed: 'FeedsFailed',
  itemsIngested: 'ItemsIngested',
  /** Group function: ms from the oldest trigger of a batch being sent to its grouping pass finishing. */
  groupingLag: 'GroupingLag',
  /** Group function: stories created or changed by a pass. */
  storiesWritten: 'StoriesWritten',
  /** Group function: story writes that failed in a pass (the stories are recorded and retried every pass). */
  storyWritesFailed: 'StoryWritesFailed',
} as const;
