"use client";

import { useEffect, useState } from "react";
import { fetchMemberStatuses, type MemberStatus } from "./member-status";

const REFRESH_MS = 1000;

/** Polls every configured server's /status.json and shows one row per member. */
export function ClusterOverview({ serverUrls }: { serverUrls: readonly string[] }) {
  const [members, setMembers] = useState<MemberStatus[]>([]);

  useEffect(() => {
    let cancelled = false;
    const refresh = async () => {
      const statuses = await fetchMemberStatuses(serverUrls);
      if (!cancelled) setMembers(statuses);
    };
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [serverUrls]);

  if (serverUrls.length === 0) {
    return <p data-testid="no-members">No servers configured. Start an ensemble with npm start.</p>;
  }
  return (
    <table data-testid="members">
      <thead>
        <tr>
          <th>server</th>
          <th>url</th>
          <th>role</th>
          <th>epoch</th>
          <th>last zxid</th>
          <th>znodes</th>
          <th>sessions</th>
        </tr>
      </thead>
      <tbody>
        {members.map((member) => (
          <tr key={member.url} data-testid="member-row" data-role={member.role}>
            <td>{member.id ?? "?"}</td>
            <td>{member.url}</td>
            <td className={`role-${member.role}`}>{member.role}</td>
            <td>{member.epoch ?? ""}</td>
            <td>{member.lastZxid ?? ""}</td>
            <td>{member.znodes ?? ""}</td>
            <td>{member.sessions ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
