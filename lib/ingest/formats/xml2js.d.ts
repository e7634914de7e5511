// Type declarations for the parts of xml2js (rss-parser's XML reader) that Roundup uses.
declare module 'xml2js' {
  /** Parser options (the subset Roundup sets; see xml2js's README for the rest). */
  export interface Options {
    /** Always put element text under the char key (`{_: text}`), even for elements without attributes. */
    explicitCharkey?: boolean;
    /** Functions applied in turn to every element name. */
    tagNameProcessors?: ((name: string) => string)[];
    /** Functions applied in turn to every attribute name. */
    attrNameProcessors?: ((name: string) => string)[];
    strict?: boolean;
  }
  /** Parses a whole XML document into nested objects (`$` attributes, `_` text, arrays of children). */
  export function parseStringPromise(xml: string, options?: Options): Promise<unknown>;
}
