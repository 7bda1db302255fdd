"use client";

/**
 * The frame of every page: Mantine's theme, notifications and modals, the navigation, and a header
 * that says which member the data pages are reading from (or that none is serving).
 */
import { AppShell, Badge, Group, MantineProvider, NavLink, Text, Title } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleProviders, useMembers, usePrimaryUrl } from "../../trpc/providers";
import { BRAND_ICON, NAV_ITEMS } from "./nav-items";

export function ConsoleShell({ serverUrls, children }: { serverUrls: readonly string[]; children: ReactNode }) {
  return (
    <MantineProvider defaultColorScheme="auto">
      <ModalsProvider>
        <Notifications position="top-right" />
        <ConsoleProviders serverUrls={serverUrls}>
          <Frame serverCount={serverUrls.length}>{children}</Frame>
        </ConsoleProviders>
      </ModalsProvider>
    </MantineProvider>
  );
}

function Frame({ serverCount, children }: { serverCount: number; children: ReactNode }) {
  const pathname = usePathname();
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: "sm" }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <BRAND_ICON size={22} />
            <Title order={4}>Keel</Title>
            <Text c="dimmed" size="sm">
              cluster coordination console
            </Text>
          </Group>
          {serverCount === 0 ? <Badge color="red">no servers configured</Badge> : <PrimaryBadge />}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {NAV_ITEMS.map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <NavLink
              key={item.href}
              component={Link}
              href={item.href}
              label={item.label}
              leftSection={<item.icon size={18} />}
              active={active}
            />
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}

/** Which member the data pages read from; red while no member is serving. */
function PrimaryBadge() {
  const primary = usePrimaryUrl();
  const members = useMembers();
  const up = members.filter((member) => member.up).length;
  return (
    <Group gap="xs">
      <Badge color={up === members.length ? "teal" : up * 2 > members.length ? "yellow" : "red"} variant="light">
        {up}/{members.length} members up
      </Badge>
      <Badge color={primary ? "blue" : "red"} variant="light" data-testid="primary-member">
        {primary ? `reading from ${primary.replace(/^https?:\/\//, "")}` : "no serving member"}
      </Badge>
    </Group>
  );
}
