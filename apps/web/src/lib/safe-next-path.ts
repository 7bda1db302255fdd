/**
 * Where /login sends the browser after a login: `?next=` comes from the URL, so anyone can craft
 * it; only a path of this console is followed (no "//host" or "https://…"), else the cluster page.
 */
export function safeNextPath(next: string | null): string {
  if (next === null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next === "/login" || next.startsWith("/login?") ? "/" : next;
}
