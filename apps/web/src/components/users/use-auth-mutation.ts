"use client";

/**
 * The Users & tokens page's mutations share one shape: run, refresh every `auth.*` listing, and
 * say how it went (a refusal, NOAUTH included, as a notification naming the keelCode).
 */
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { describeError } from "../../lib/keel-error";
import { useTRPC } from "../../trpc/providers";

export function useAuthAction(): {
  pending: boolean;
  run: <T>(what: string, action: () => Promise<T>, done?: (result: T) => string | undefined) => Promise<T | undefined>;
} {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async <T>(what: string, action: () => Promise<T>, done?: (result: T) => string | undefined) => {
      setPending(true);
      try {
        const result = await action();
        const message = done?.(result);
        if (message !== undefined) notifications.show({ color: "teal", title: what, message });
        return result;
      } catch (error) {
        notifications.show({ color: "red", title: `${what} failed`, message: describeError(error) });
        return undefined;
      } finally {
        setPending(false);
        void queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() });
      }
    },
    [queryClient, trpc],
  );
  return { pending, run };
}
