/**
 * The node view's JSON mode: pretty-print valid JSON, and for invalid JSON say where it breaks
 * (line and column, derived from the parser's position) so the operator can fix it in the editor.
 */

export type JsonCheck =
  | { valid: true; pretty: string }
  | { valid: false; empty: boolean; message: string; line?: number; column?: number };

/** Line and column (1-based) of a character offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastNewline = before.lastIndexOf("\n");
  const line = before.split("\n").length;
  return { line, column: before.length - lastNewline };
}

/** Parses `text` as JSON: the pretty form (2-space indent) or why and where it is not JSON. */
export function checkJson(text: string): JsonCheck {
  if (text.trim().length === 0) return { valid: false, empty: true, message: "the node has no data" };
  try {
    return { valid: true, pretty: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 reports "at position N" for most errors, "(line L column C)" for some, neither for others.
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    if (lineColumn?.[1] !== undefined && lineColumn[2] !== undefined)
      return { valid: false, empty: false, message, line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
    const position = /position (\d+)/.exec(message);
    if (position?.[1] === undefined) return { valid: false, empty: false, message };
    return { valid: false, empty: false, message, ...lineColumnOf(text, Number(position[1])) };
  }
}
