"use client";

/**
 * The frame of every page: Mantine's theme, notifications and modals, who the console acts as
 * (AuthProvider), the navigation, and a header that says which member the data pages are reading
 * from (or that none is serving) and who is logged in. When the ensemble requires authentication
 * and nobody is logged in, every page but /login sends the browser to /login.
 */
import { AppShell, Badge, Center, Group, Loader, MantineProvider, NavLink, Text, Title } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { mustLogIn, roleAllows } from "../../lib/roles";
import { AuthProvider, useAuth } from "../../trpc/auth-provider";
import { ConsoleProviders, useMembers, usePrimaryUrl } from "../../trpc/providers";
import { UserMenu } from "../auth/user-menu";
import { BRAND_ICON, NAV_ITEMS } from "./nav-items";

export const LOGIN_PATH = "/login";

export function ConsoleShell({ serverUrls, children }: { serverUrls: readonly string[]; children: ReactNode }) {
  return (
    <MantineProvider defaultColorScheme="auto">
      <ModalsProvider>
        <Notifications position="top-right" />
        <AuthProvider serverUrls={serverUrls}>
          <AuthGate serverUrls={serverUrls}>{children}</AuthGate>
        </AuthProvider>
      </ModalsProvider>
    </MantineProvider>
  );
}

/** The data providers, remounted by every login and logout (fresh sockets carry the new cookie). */
function AuthGate({ serverUrls, children }: { serverUrls: readonly string[]; children: ReactNode }) {
  const { whoami, checked, generation } = useAuth();
  const pathname = usePathname();
  const router = useRouter();
  const loginFirst = mustLogIn(whoami);
  const onLoginPage = pathname === LOGIN_PATH;
  useEffect(() => {
    if (loginFirst && !onLoginPage) router.replace(`${LOGIN_PATH}?next=${encodeURIComponent(pathname)}`);
  }, [loginFirst, onLoginPage, pathname, router]);
  return (
    <ConsoleProviders key={generation} serverUrls={serverUrls} live={checked && !loginFirst}>
      {onLoginPage ? (
        children
      ) : (
        <Frame serverCount={serverUrls.length}>
          {!checked || loginFirst ? (
            <Center h={200}>
              <Loader data-testid="auth-checking" />
            </Center>
          ) : (
            children
          )}
        </Frame>
      )}
    </ConsoleProviders>
  );
}

function Frame({ serverCount, children }: { serverCount: number; children: ReactNode }) {
  const pathname = usePathname();
  const { role } = useAuth();
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
          <Group gap="md">
            {serverCount === 0 ? <Badge color="red">no servers configured</Badge> : <PrimaryBadge />}
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {NAV_ITEMS.filter((item) => item.least === undefined || roleAllows(role, item.least)).map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <NavLink
              key={item.href}
              component={Link}
              href={item.href}
              label={item.label}
              leftSection={<item.icon size={18} />}
              active={active}
              data-testid={`nav-${item.href === "/" ? "cluster" : item.href.slice(1)}`}
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
