/** An audit entry's op as a coloured badge: creations green, deletions red, sessions teal, ... */
import { Badge } from "@mantine/core";

const OP_COLORS: Record<string, string> = {
  create: "green",
  delete: "red",
  setData: "blue",
  setACL: "grape",
  multi: "indigo",
  createSession: "teal",
  closeSession: "gray",
  expireSession: "yellow",
  forceRelease: "orange",
  error: "red",
};

export function OpBadge({ op }: { op: string }) {
  return (
    <Badge color={OP_COLORS[op] ?? "gray"} variant={op === "error" ? "outline" : "light"} radius="sm" tt="none">
      {op}
    </Badge>
  );
}
