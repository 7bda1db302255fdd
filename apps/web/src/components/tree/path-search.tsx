"use client";

/**
 * Jump to a path: type "/app/co", pick from the children of /app that start with "co", or press
 * Enter to open the typed path; the tree expands every ancestor and scrolls to it.
 */
import { Autocomplete } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { allChildren } from "../../trpc/all-children";
import { useTRPC, useTRPCClient } from "../../trpc/providers";
import { childPathOf, nameOf, normalisePath, parentOf } from "./tree-paths";

const SUGGESTIONS_MAX = 20;

export function PathSearch({ onOpen }: { onOpen: (path: string) => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [text, setText] = useState("");
  const typed = text.trim();
  const normalised = normalisePath(typed);
  const endsWithSlash = typed.endsWith("/");
  const parent = normalised === undefined ? "/" : endsWithSlash ? normalised : parentOf(normalised);
  const prefix = normalised === undefined || endsWithSlash ? "" : nameOf(normalised);
  const listing = useQuery({
    queryKey: trpc.node.children.queryKey({ path: parent }),
    queryFn: () => allChildren(client, { path: parent }),
    enabled: typed.length > 0,
    retry: false,
    staleTime: 5000,
  });
  const suggestions = useMemo(() => {
    const names = listing.data?.children.map((child) => child.name) ?? [];
    const matching: string[] = [];
    for (const name of names) {
      if (name.startsWith(prefix)) matching.push(name);
    }
    return matching
      .sort()
      .slice(0, SUGGESTIONS_MAX)
      .map((name) => childPathOf(parent, name));
  }, [listing.data, parent, prefix]);

  const open = (value: string) => {
    const path = normalisePath(value);
    if (path !== undefined) onOpen(path);
  };

  return (
    <Autocomplete
      size="xs"
      placeholder="Jump to a path: /app/config"
      leftSection={<IconSearch size={14} />}
      value={text}
      onChange={setText}
      data={suggestions}
      filter={({ options }) => options}
      onOptionSubmit={(value) => {
        setText(value);
        open(value);
      }}
      onKeyDown={(event) => {
        if (event.key === "Enter") open(text);
      }}
      data-testid="search-input"
      aria-label="jump to a path"
    />
  );
}
