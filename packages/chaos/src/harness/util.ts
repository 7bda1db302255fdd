export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

/** Polls `probe` until it returns a value, or gives up (undefined) after `timeoutMs`. */
export async function pollFor<T>(probe: () => T | undefined, timeoutMs: number, everyMs = 50): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined || performance.now() > deadline) return found;
    await sleep(everyMs);
  }
}
