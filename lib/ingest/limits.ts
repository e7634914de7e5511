// Ingestion limits shared by the parser and the configuration (a leaf module: the API bundle imports config).

/** Items taken from one feed document by default: the newest 300 (a poll every 15 minutes never needs more). */
export const DEFAULT_MAX_ITEMS = 300;
