"use client";

import { useEffect, useState } from "react";

/**
 * The browser's clock, re-read every `intervalMs`, for "3 s ago" labels. Only labels tick: no API
 * call hangs off this timer (live data comes from subscriptions).
 */
export function useNow(intervalMs = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
