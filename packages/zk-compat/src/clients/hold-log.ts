/**
 * The log that lock and election contenders append to ("enter <id> <round>" on taking the lock,
 * "exit <id> <round>" before letting go), checked for mutual exclusion: every enter is followed by
 * the same holder's exit before anyone else enters.
 */
export interface HoldLogReport {
  /** Completed holds per contender id. */
  readonly holds: Readonly<Record<string, number>>;
  /** Human-readable violations; empty when no two holders overlapped. */
  readonly overlaps: readonly string[];
  readonly enters: number;
}

export function checkHoldLog(text: string): HoldLogReport {
  const holds: Record<string, number> = {};
  const overlaps: string[] = [];
  let holder: string | undefined;
  let enters = 0;
  const lines = text.split("\n").filter((line) => line.length > 0);
  lines.forEach((line, index) => {
    const [event, id, round] = line.split(" ");
    const who = `${id} round ${round}`;
    if (event === "enter") {
      enters++;
      if (holder !== undefined) overlaps.push(`line ${index + 1}: ${who} entered while ${holder} held the lock`);
      holder = who;
    } else if (event === "exit") {
      if (holder !== who) overlaps.push(`line ${index + 1}: ${who} exited but the holder was ${holder ?? "nobody"}`);
      else holds[id as string] = (holds[id as string] ?? 0) + 1;
      holder = undefined;
    } else {
      overlaps.push(`line ${index + 1}: unreadable "${line}"`);
    }
  });
  return { holds, overlaps, enters };
}
