// Type declarations for the untyped `snowball-stemmers` package (Snowball stemmers ported to JS).
declare module 'snowball-stemmers' {
  /** A stateful stemmer for one language; `stem` returns the stem of a single lower-case word. */
  export interface Stemmer {
    stem(word: string): string;
  }
  /** Creates a stemmer for a Snowball algorithm name such as `english`, `french` or `arabic`. */
  export function newStemmer(algorithm: string): Stemmer;
  /** Names of the available algorithms. */
  export function algorithms(): string[];
  const snowball: { newStemmer: typeof newStemmer; algorithms: typeof algorithms };
  export default snowball;
}
