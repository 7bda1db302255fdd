"use client";

/**
 * Creates an API token: for whom (an admin may name any user; empty is yourself), which paths and
 * perms, how long, why. The answer is shown once, with a copy button: the server keeps only a hash.
 */
import {
  Alert,
  Button,
  Checkbox,
  CopyButton,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTRPCClient } from "../../trpc/providers";
import { PERM_LETTERS, parseScopePaths, permsOfLetters, TOKEN_TTL_CHOICES } from "./token-scope";
import { useAuthAction } from "./use-auth-mutation";

const DESCRIPTION_CHARS_MAX = 200;
const DEFAULT_TTL = String(TOKEN_TTL_CHOICES[3]?.ms ?? 86_400_000);

export function CreateTokenModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useTRPCClient();
  const { pending, run } = useAuthAction();
  const [user, setUser] = useState("");
  const [pathsText, setPathsText] = useState("/");
  const [letters, setLetters] = useState<string[]>(PERM_LETTERS.map(({ letter }) => letter));
  const [ttl, setTtl] = useState(DEFAULT_TTL);
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<{ token: string; tokenId: string; expiresAtMs: number } | undefined>();
  const paths = parseScopePaths(pathsText);
  const perms = permsOfLetters(letters);

  const close = () => {
    setCreated(undefined);
    setUser("");
    setDescription("");
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if ("error" in paths || perms === 0) return;
    const trimmedUser = user.trim();
    const answer = await run("Create token", () =>
      client.auth.tokens.create.mutate({
        ...(trimmedUser === "" ? {} : { user: trimmedUser }),
        scope: { paths: paths.paths, perms },
        ttlMs: Number(ttl),
        ...(description.trim() === "" ? {} : { description: description.trim() }),
      }),
    );
    if (answer !== undefined) setCreated(answer);
  };

  return (
    <Modal opened={opened} onClose={close} title="Create an API token" centered size="lg">
      {created !== undefined ? (
        <Stack gap="sm">
          <Alert color="yellow" title="Copy it now: it is shown only once">
            The server keeps only a hash of it. Token id{" "}
            <Text span ff="monospace">
              {created.tokenId}
            </Text>
            , valid until {new Date(created.expiresAtMs).toLocaleString()}.
          </Alert>
          <Group gap="xs" wrap="nowrap">
            <TextInput readOnly value={created.token} ff="monospace" style={{ flex: 1 }} data-testid="new-token" />
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button
                  variant="light"
                  color={copied ? "teal" : "blue"}
                  leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                  onClick={copy}
                >
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Group justify="flex-end">
            <Button onClick={close} data-testid="new-token-done">
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <Stack gap="sm">
            <TextInput
              label="User"
              description="Empty: yourself"
              value={user}
              onChange={(event) => setUser(event.currentTarget.value)}
              data-testid="token-user"
            />
            <Textarea
              label="Paths"
              description="One per line: the token may touch these paths and what is under them"
              autosize
              minRows={2}
              value={pathsText}
              error={"error" in paths ? paths.error : undefined}
              onChange={(event) => setPathsText(event.currentTarget.value)}
              classNames={{ input: "mono" }}
              data-testid="token-paths"
            />
            <Checkbox.Group
              label="Perms"
              value={letters}
              onChange={setLetters}
              error={perms === 0 ? "at least one" : undefined}
            >
              <Group gap="md" mt={4}>
                {PERM_LETTERS.map(({ letter, name }) => (
                  <Checkbox key={letter} value={letter} label={name} />
                ))}
              </Group>
            </Checkbox.Group>
            <Select
              label="Valid for"
              data={TOKEN_TTL_CHOICES.map(({ label, ms }) => ({ value: String(ms), label }))}
              value={ttl}
              allowDeselect={false}
              onChange={(value) => value !== null && setTtl(value)}
              data-testid="token-ttl"
            />
            <TextInput
              label="Description"
              maxLength={DESCRIPTION_CHARS_MAX}
              placeholder="deploy pipeline"
              value={description}
              onChange={(event) => setDescription(event.currentTarget.value)}
              data-testid="token-description"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button
                type="submit"
                loading={pending}
                disabled={"error" in paths || perms === 0}
                data-testid="create-token-confirm"
              >
                Create
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
