"use client";

/**
 * The right half of the tree page: the selected node's data (text / JSON / hex), kind, Stat and
 * ACL, live through the page's recursive watch, and the actions on it.
 */
import type { NodeView } from "@keel/api";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { IconDownload, IconEdit, IconPlus, IconTrash, IconUpload } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatBytes } from "../../lib/format";
import { keelCodeOf, messageOf } from "../../lib/keel-error";
import { useTRPC } from "../../trpc/providers";
import { RoleGate } from "../auth/role-gate";
import { type DataMode, NodeDataView } from "./node-data-view";
import { NodeEditor } from "./node-editor";
import { AclTable, KindBadges, StatTable } from "./node-facts";

export interface NodePanelActions {
  onCreate: () => void;
  onDelete: (path: string) => void;
  onTransfer: (tab: "export" | "import") => void;
}

export function NodePanel({ path, actions }: { path: string; actions: NodePanelActions }) {
  const trpc = useTRPC();
  const node = useQuery(trpc.node.get.queryOptions({ path }));
  const acl = useQuery(trpc.node.getAcl.queryOptions({ path }));
  const [mode, setMode] = useState<DataMode>("text");
  const [editing, setEditing] = useState<NodeView | undefined>(undefined);
  const editingThis = editing !== undefined && editing.path === path ? editing : undefined;

  if (node.isError) {
    const gone = keelCodeOf(node.error) === "NONODE";
    return (
      <Stack>
        <Title order={3} ff="monospace" data-testid="node-path">
          {path}
        </Title>
        <Alert
          color={gone ? "gray" : "red"}
          title={gone ? "No such node" : (keelCodeOf(node.error) ?? "Error")}
          data-testid="node-missing"
        >
          {gone
            ? `${path} does not exist (or was just deleted). Pick another node in the tree.`
            : messageOf(node.error)}
        </Alert>
      </Stack>
    );
  }
  const view = node.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={6} style={{ minWidth: 0 }}>
          <Title order={4} ff="monospace" data-testid="node-path" style={{ wordBreak: "break-all" }}>
            {path}
          </Title>
          {view ? (
            <Group gap={6}>
              <KindBadges node={view} />
              <Badge variant="default" data-testid="node-version" data-version={view.stat.version}>
                version {view.stat.version}
              </Badge>
              <Badge variant="default">{formatBytes(view.stat.dataLength)}</Badge>
              <Badge variant="default">{view.stat.numChildren} children</Badge>
            </Group>
          ) : (
            <Loader size="sm" />
          )}
        </Stack>
        <Group gap={6} wrap="nowrap">
          <RoleGate least="operator">
            {(allowed) => (
              <Button
                size="xs"
                variant="light"
                leftSection={<IconPlus size={14} />}
                onClick={actions.onCreate}
                disabled={!allowed}
                data-testid="create-button"
              >
                Create child
              </Button>
            )}
          </RoleGate>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconDownload size={14} />}
            onClick={() => actions.onTransfer("export")}
            data-testid="export-button"
          >
            Export
          </Button>
          <RoleGate least="operator">
            {(allowed) => (
              <Button
                size="xs"
                variant="default"
                leftSection={<IconUpload size={14} />}
                onClick={() => actions.onTransfer("import")}
                disabled={!allowed}
                data-testid="import-button"
              >
                Import
              </Button>
            )}
          </RoleGate>
          <RoleGate least="operator">
            {(allowed) => (
              <Button
                size="xs"
                color="red"
                variant="light"
                leftSection={<IconTrash size={14} />}
                onClick={() => actions.onDelete(path)}
                disabled={!allowed || path === "/"}
                data-testid="delete-button"
              >
                Delete
              </Button>
            )}
          </RoleGate>
        </Group>
      </Group>

      <Card withBorder padding="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={600} size="sm">
            Data
          </Text>
          <Group gap="xs">
            {editingThis === undefined ? (
              <SegmentedControl
                size="xs"
                value={mode}
                onChange={(value) => setMode(value as DataMode)}
                data={[
                  { value: "text", label: "Text" },
                  { value: "json", label: "JSON" },
                  { value: "hex", label: "Hex" },
                ]}
                data-testid="data-mode"
              />
            ) : null}
            <RoleGate least="operator">
              {(allowed) => (
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconEdit size={14} />}
                  disabled={!allowed || view === undefined || editingThis !== undefined}
                  onClick={() => setEditing(view)}
                  data-testid="edit-button"
                >
                  Edit
                </Button>
              )}
            </RoleGate>
          </Group>
        </Group>
        {editingThis !== undefined ? (
          <NodeEditor
            key={`${editingThis.path}@${editingThis.stat.version}`}
            loaded={editingThis}
            currentVersion={view?.stat.version}
            onDone={() => setEditing(undefined)}
          />
        ) : view ? (
          <NodeDataView mode={mode} data={view.data} dataBase64={view.dataBase64} />
        ) : (
          <Loader size="sm" />
        )}
      </Card>

      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb="xs">
            Stat
          </Text>
          {view ? <StatTable stat={view.stat} /> : <Loader size="sm" />}
        </Card>
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb="xs">
            ACL
          </Text>
          {acl.data ? (
            <AclTable acl={acl.data.acl} />
          ) : acl.isError ? (
            <Text c="red" size="sm">
              {keelCodeOf(acl.error) ?? "error"}: {messageOf(acl.error)}
            </Text>
          ) : (
            <Loader size="sm" />
          )}
          <Text size="xs" c="dimmed" mt="xs">
            perms: c create · d delete · r read · w write · a admin
          </Text>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
