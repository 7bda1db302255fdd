/**
 * The conflict dialog's diff: a line diff of YOUR edit against the FRESH value another client wrote
 * after you loaded the node. Shaped into numbered lines so the dialog renders a plain table.
 */
import { diffLines } from "diff";

export type DiffLineKind = "same" | "mine" | "theirs";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line number in the fresh value (theirs) for "same" and "theirs" lines. */
  theirsLine?: number;
  /** Line number in your edit for "same" and "mine" lines. */
  mineLine?: number;
}

/** The lines of both texts: "theirs" only in the fresh value, "mine" only in your edit. */
export function conflictDiff(theirs: string, mine: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let theirsLine = 1;
  let mineLine = 1;
  for (const change of diffLines(theirs, mine)) {
    const texts = splitLines(change.value);
    for (const text of texts) {
      if (change.added) lines.push({ kind: "mine", text, mineLine: mineLine++ });
      else if (change.removed) lines.push({ kind: "theirs", text, theirsLine: theirsLine++ });
      else lines.push({ kind: "same", text, theirsLine: theirsLine++, mineLine: mineLine++ });
    }
  }
  return lines;
}

/** A change's value as its lines; the newline that ends the last line is not an extra empty line. */
function splitLines(value: string): string[] {
  const lines = value.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** How many lines each side changed, for the dialog's summary. */
export function diffSummary(lines: readonly DiffLine[]): { mine: number; theirs: number } {
  let mine = 0;
  let theirs = 0;
  for (const line of lines) {
    if (line.kind === "mine") mine += 1;
    else if (line.kind === "theirs") theirs += 1;
  }
  return { mine, theirs };
}
