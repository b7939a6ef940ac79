/**
 * An object of collections (`{ "billing": [ … ], … }`) written item by item, in exactly the text
 * `JSON.stringify(object, null, 2)` gives it: for files too large to be one string (a records file of a large
 * store). Items come grouped by collection; a collection given no item is left out, as an object without it.
 */
export interface CollectionsJsonWriter {
  item(collection: string, value: unknown): void;
  /** The closing brace and a newline (`{}` for an object with no collection). */
  end(): void;
}

export function collectionsJsonWriter(write: (text: string) => void): CollectionsJsonWriter {
  let current: string | undefined;
  let first = true;
  return {
    item(collection, value) {
      if (collection !== current) {
        write(`${current === undefined ? '{' : '\n  ],'}\n  ${JSON.stringify(collection)}: [`);
        current = collection;
        first = true;
      }
      // JSON escapes a newline inside a string, so every newline of the text is layout: indented one level deeper.
      write(`${first ? '' : ','}\n    ${JSON.stringify(value, null, 2).replace(/\n/g, '\n    ')}`);
      first = false;
    },
    end() {
      write(current === undefined ? '{}\n' : '\n  ]\n}\n');
    },
  };
}
