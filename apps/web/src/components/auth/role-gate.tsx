"use client";

/**
 * A control the caller's role may not allow. Allowed: the control as is. Not allowed: the control
 * rendered disabled (the render function is told so), under a tooltip saying which role it needs.
 * A disabled button takes no pointer events, so the tooltip hangs on a wrapper.
 * `HiddenUnlessRole` drops the control instead (force-release, expire: nothing to see for a viewer).
 */
import { Tooltip } from "@mantine/core";
import type { ReactElement, ReactNode } from "react";
import { needsRoleText, type Role } from "../../lib/roles";
import { useRoleAllows } from "../../trpc/auth-provider";

export function RoleGate({ least, children }: { least: Role; children: (allowed: boolean) => ReactElement }) {
  const allowed = useRoleAllows(least);
  const control = children(allowed);
  if (allowed) return control;
  return (
    <Tooltip label={needsRoleText(least)}>
      <span style={{ display: "inline-block" }} data-testid="needs-role" data-needs-role={least}>
        {control}
      </span>
    </Tooltip>
  );
}

export function HiddenUnlessRole({ least, children }: { least: Role; children: ReactNode }) {
  return useRoleAllows(least) ? children : null;
}
