/**
 * The console's only reader of process.env (style rule 10). Read at request time on the server,
 * because `npm start` and the e2e setup choose the servers' ports when they start, after the build.
 */
export function keelServerUrls(): string[] {
  const raw = process.env.KEEL_SERVERS ?? "";
  return raw
    .split(",")
    .map((url) => url.trim())
    .filter((url) => /^https?:\/\/[^\s]+$/.test(url));
}
