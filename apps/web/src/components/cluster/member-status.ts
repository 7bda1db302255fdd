/** What the console shows for one server, read from its `GET /status.json`. */
export interface MemberStatus {
  url: string;
  id?: number;
  role: string;
  epoch?: number;
  lastZxid?: string;
  znodes?: number;
  sessions?: number;
}

async function fetchOne(url: string): Promise<MemberStatus> {
  try {
    const response = await fetch(`${url}/status.json`, { cache: "no-store" });
    if (!response.ok) return { url, role: "down" };
    const body = (await response.json()) as Partial<MemberStatus>;
    return { ...body, url, role: body.role ?? "unknown" };
  } catch {
    return { url, role: "down" };
  }
}

export function fetchMemberStatuses(urls: readonly string[]): Promise<MemberStatus[]> {
  return Promise.all(urls.map(fetchOne));
}
