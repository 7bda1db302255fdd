"use client";

/** A node's data as text, as validated pretty JSON (with the parse error shown), or as a hex dump. */
import { Alert, Code, ScrollArea, Table, Text } from "@mantine/core";
import { useMemo } from "react";
import { bytesOfBase64, hexDump } from "./hex-dump";
import { checkJson } from "./json-check";

export type DataMode = "text" | "json" | "hex";

/** Rows the hex view renders (16 bytes each); larger data says how much was left out. */
const HEX_ROWS_MAX = 4096;

export function NodeDataView({ mode, data, dataBase64 }: { mode: DataMode; data: string; dataBase64: string }) {
  if (mode === "json") return <JsonView data={data} />;
  if (mode === "hex") return <HexView dataBase64={dataBase64} />;
  if (data.length === 0)
    return (
      <Text c="dimmed" size="sm" fs="italic" data-testid="node-data" data-empty="true">
        no data (0 bytes)
      </Text>
    );
  return (
    <ScrollArea.Autosize mah={420}>
      <Code block data-testid="node-data" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {data}
      </Code>
    </ScrollArea.Autosize>
  );
}

function JsonView({ data }: { data: string }) {
  const check = useMemo(() => checkJson(data), [data]);
  if (check.valid)
    return (
      <ScrollArea.Autosize mah={420}>
        <Code block data-testid="node-data" data-json="valid">
          {check.pretty}
        </Code>
      </ScrollArea.Autosize>
    );
  return (
    <>
      <Alert
        color={check.empty ? "gray" : "red"}
        variant="light"
        mb="xs"
        data-testid="json-error"
        title={check.empty ? "No data" : "Not valid JSON"}
      >
        {check.message}
        {check.line !== undefined ? ` (line ${check.line}, column ${check.column})` : null}
      </Alert>
      {data.length > 0 ? (
        <ScrollArea.Autosize mah={360}>
          <Code block data-testid="node-data" data-json="invalid" style={{ whiteSpace: "pre-wrap" }}>
            {data}
          </Code>
        </ScrollArea.Autosize>
      ) : null}
    </>
  );
}

function HexView({ dataBase64 }: { dataBase64: string }) {
  const bytes = useMemo(() => bytesOfBase64(dataBase64), [dataBase64]);
  const rows = useMemo(() => hexDump(bytes, HEX_ROWS_MAX), [bytes]);
  if (bytes.length === 0)
    return (
      <Text c="dimmed" size="sm" fs="italic" data-testid="node-data">
        no data (0 bytes)
      </Text>
    );
  return (
    <ScrollArea.Autosize mah={420}>
      <Table data-testid="node-data" data-hex="true" ff="monospace" fz="xs" withRowBorders={false} verticalSpacing={1}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>offset</Table.Th>
            <Table.Th>hex</Table.Th>
            <Table.Th>ascii</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.offset} data-testid="hex-row">
              <Table.Td c="dimmed">{row.offset}</Table.Td>
              <Table.Td style={{ whiteSpace: "pre" }}>{row.hex}</Table.Td>
              <Table.Td style={{ whiteSpace: "pre" }}>{row.ascii}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows.length * 16 < bytes.length ? (
        <Text size="xs" c="dimmed">
          showing the first {rows.length * 16} of {bytes.length} bytes
        </Text>
      ) : null}
    </ScrollArea.Autosize>
  );
}
