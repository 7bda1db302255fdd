"use client";

/**
 * Export a subtree to a JSON file (a bounded walk with progress), or import one (upload or paste)
 * under a chosen parent: nodes that already exist are skipped and reported, never overwritten.
 */
import {
  Alert,
  Button,
  FileButton,
  Group,
  Modal,
  Progress,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconDownload, IconUpload } from "@tabler/icons-react";
import { useState } from "react";
import { keelCodeOf, messageOf } from "../../lib/keel-error";
import { allChildren } from "../../trpc/all-children";
import { useTRPCClient } from "../../trpc/providers";
import { notifySuccess } from "./keel-notify";
import { exportSubtree, parseSubtree, planImport, SUBTREE_NODES_MAX } from "./subtree-transfer";
import { nameOf, normalisePath } from "./tree-paths";

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  URL.revokeObjectURL(url);
}

export function SubtreeTransferModal(props: {
  path: string;
  opened: boolean;
  initialTab: "export" | "import";
  onClose: () => void;
  onImported: (parent: string) => void;
}) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      size="lg"
      title={<Text fw={600}>Export / import a subtree</Text>}
    >
      <Tabs defaultValue={props.initialTab}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="export" leftSection={<IconDownload size={14} />}>
            Export {props.path}
          </Tabs.Tab>
          <Tabs.Tab value="import" leftSection={<IconUpload size={14} />}>
            Import
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="export">
          <ExportPanel path={props.path} />
        </Tabs.Panel>
        <Tabs.Panel value="import">
          <ImportPanel parent={props.path} onImported={props.onImported} />
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}

function ExportPanel({ path }: { path: string }) {
  const client = useTRPCClient();
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const [result, setResult] = useState<{ text: string; nodes: number } | { error: string } | undefined>(undefined);

  const run = async () => {
    setResult(undefined);
    setProgress(0);
    try {
      let nodes = 0;
      const tree = await exportSubtree(
        path,
        async (at) => {
          try {
            const [node, listing] = await Promise.all([
              client.node.get.query({ path: at }),
              allChildren(client, { path: at }),
            ]);
            const read = { data: node.data, kind: node.kind, childNames: listing.children.map((child) => child.name) };
            return node.ttlMs === undefined ? read : { ...read, ttlMs: node.ttlMs };
          } catch (error) {
            if (keelCodeOf(error) === "NONODE") return undefined;
            throw error;
          }
        },
        (count) => {
          nodes = count;
          setProgress(count);
        },
      );
      if (tree === undefined) {
        setResult({ error: `${path} no longer exists` });
        return;
      }
      const text = JSON.stringify(tree, null, 2);
      setResult({ text, nodes });
      download(`keel${path === "/" ? "-root" : path.replaceAll("/", "_")}.json`, text);
    } catch (error) {
      setResult({ error: messageOf(error) });
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm">
        Reads every node under <b>{path}</b> (at most {SUBTREE_NODES_MAX.toLocaleString("en")}) into{" "}
        <code>{"{ path, data, kind, children: [...] }"}</code> and downloads it.
      </Text>
      {progress !== undefined ? (
        <Stack gap={4}>
          <Progress value={100} animated striped />
          <Text size="xs" c="dimmed" data-testid="export-progress">
            {progress} nodes read…
          </Text>
        </Stack>
      ) : null}
      {result !== undefined && "error" in result ? <Alert color="red">{result.error}</Alert> : null}
      {result !== undefined && "text" in result ? (
        <>
          <Text size="sm" data-testid="export-done">
            Exported {result.nodes} nodes.
          </Text>
          <Textarea
            readOnly
            autosize
            minRows={4}
            maxRows={12}
            value={result.text}
            data-testid="export-json"
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
          />
        </>
      ) : null}
      <Group justify="flex-end">
        <Button
          leftSection={<IconDownload size={16} />}
          onClick={() => void run()}
          loading={progress !== undefined}
          data-testid="export-run"
        >
          Export
        </Button>
      </Group>
    </Stack>
  );
}

function ImportPanel({ parent, onImported }: { parent: string; onImported: (parent: string) => void }) {
  const client = useTRPCClient();
  const [text, setText] = useState("");
  const [target, setTarget] = useState(parent);
  const [running, setRunning] = useState<{ done: number; total: number } | undefined>(undefined);
  const [report, setReport] = useState<{ created: number; skipped: string[]; failed: string[] } | undefined>(undefined);
  const parsed = text.trim().length === 0 ? undefined : parseSubtree(text);
  const targetPath = normalisePath(target);

  const run = async () => {
    if (parsed === undefined || "error" in parsed || targetPath === undefined) return;
    const plan = planImport(parsed.tree, targetPath);
    const outcome = { created: 0, skipped: [] as string[], failed: [] as string[] };
    setRunning({ done: 0, total: plan.length });
    for (const [index, step] of plan.entries()) {
      try {
        await client.node.create.mutate(step);
        outcome.created += 1;
      } catch (error) {
        const code = keelCodeOf(error);
        if (code === "NODEEXISTS") outcome.skipped.push(step.path);
        else outcome.failed.push(`${step.path}: ${code ?? messageOf(error)}`);
      }
      if (index % 20 === 0) setRunning({ done: index + 1, total: plan.length });
    }
    setRunning(undefined);
    setReport(outcome);
    notifySuccess(`Imported under ${targetPath}`, `${outcome.created} created, ${outcome.skipped.length} skipped`);
    onImported(targetPath);
  };

  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <TextInput
          label="Import under"
          value={target}
          onChange={(event) => setTarget(event.currentTarget.value)}
          style={{ flex: 1 }}
          data-testid="import-parent"
        />
        <FileButton onChange={(file) => file && void file.text().then(setText)} accept="application/json,.json">
          {(buttonProps) => (
            <Button variant="default" leftSection={<IconUpload size={16} />} {...buttonProps}>
              Choose file
            </Button>
          )}
        </FileButton>
      </Group>
      <Textarea
        label="Export JSON"
        placeholder='{ "path": "/app", "data": "", "children": [ ... ] }'
        autosize
        minRows={5}
        maxRows={12}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
        data-testid="import-json"
      />
      {parsed !== undefined && "error" in parsed ? <Alert color="red">{parsed.error}</Alert> : null}
      {parsed !== undefined && "tree" in parsed && targetPath !== undefined ? (
        <Text size="sm" c="dimmed">
          Will create {parsed.nodes} nodes{" "}
          {parsed.tree.path === "/"
            ? `directly under ${targetPath}`
            : `at ${targetPath === "/" ? "" : targetPath}/${nameOf(parsed.tree.path)}`}
          ; existing nodes are skipped.
        </Text>
      ) : null}
      {running !== undefined ? <Progress value={(100 * running.done) / Math.max(1, running.total)} /> : null}
      {report !== undefined ? (
        <Alert color={report.failed.length > 0 ? "red" : "teal"} data-testid="import-report">
          {report.created} created, {report.skipped.length} skipped (already existed)
          {report.failed.length > 0 ? `, ${report.failed.length} failed: ${report.failed.slice(0, 5).join("; ")}` : ""}
        </Alert>
      ) : null}
      <Group justify="flex-end">
        <Button
          leftSection={<IconUpload size={16} />}
          onClick={() => void run()}
          loading={running !== undefined}
          disabled={parsed === undefined || "error" in parsed || targetPath === undefined}
          data-testid="import-run"
        >
          Import
        </Button>
      </Group>
    </Stack>
  );
}
