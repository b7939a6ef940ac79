/**
 * A JSON object written member by member, in exactly the text `JSON.stringify(object, null, 2)` gives it: for
 * output too large to be one string (a records file of a large store, a report on every stored partner). Members
 * are whole values (`member`) or arrays written an item at a time (`item`, grouped by array); an array given no
 * item is left out unless opened with `array`.
 */
export interface CollectionsJsonWriter {
  /** A member written whole (left out when undefined, as JSON.stringify leaves it out). */
  member(name: string, value: unknown): void;
  /** An array member opened now, written `[]` if no item follows. */
  array(name: string): void;
  /** An item of the array member `name` (opened if it is not the one being written). */
  item(name: string, value: unknown): void;
  /** The closing brace and a newline (`{}` for an object with no member). */
  end(): void;
}

export function collectionsJsonWriter(write: (text: string) => void): CollectionsJsonWriter {
  let members = 0;
  let open: string | undefined;
  let items = 0;
  // JSON escapes a newline inside a string, so every newline of a value's text is layout: indented to its depth.
  const indented = (value: unknown, depth: string) => JSON.stringify(value, null, 2).replace(/\n/g, `\n${depth}`);
  const close = () => {
    if (open !== undefined) write(items === 0 ? ']' : '\n  ]');
    open = undefined;
  };
  const start = (name: string) => {
    close();
    write(`${members === 0 ? '{' : ','}\n  ${JSON.stringify(name)}: `);
    members++;
  };
  const array = (name: string) => {
    start(name);
    write('[');
    open = name;
    items = 0;
  };
  return {
    member(name, value) {
      if (value === undefined) return;
      start(name);
      write(indented(value, '  '));
    },
    array,
    item(name, value) {
      if (name !== open) array(name);
      write(`${items === 0 ? '' : ','}\n    ${indented(value, '    ')}`);
      items++;
    },
    end() {
      close();
      write(members === 0 ? '{}\n' : '\n}\n');
    },
  };
}
