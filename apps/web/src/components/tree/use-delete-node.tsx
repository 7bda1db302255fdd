"use client";

/**
 * Delete with confirmation. A node with children is deleted recursively, children first (bottom
 * up, so each delete finds its node empty); the confirmation counts what will go ("delete 12
 * nodes") after a bounded walk of the subtree.
 */
import { Code, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { keelCodeOf } from "../../lib/keel-error";
import { allChildren } from "../../trpc/all-children";
import { useTRPCClient } from "../../trpc/providers";
import { notifyError, notifySuccess } from "./keel-notify";
import { collectSubtree, deletionOrder } from "./subtree-transfer";

export function useDeleteNode(onDeleted: (path: string) => void): (path: string) => Promise<void> {
  const client = useTRPCClient();
  return async (path: string) => {
    let paths: string[];
    try {
      paths = await collectSubtree(path, async (at) =>
        (await allChildren(client, { path: at })).children.map((child) => child.name),
      );
    } catch (error) {
      notifyError(`Could not list ${path}`, error);
      return;
    }
    const count = paths.length;
    modals.openConfirmModal({
      title: count === 1 ? `Delete ${path}?` : `Delete ${path} and everything under it?`,
      children: (
        <Text size="sm">
          {count === 1 ? (
            <>
              This deletes <Code>{path}</Code>.
            </>
          ) : (
            <>
              This deletes <b data-testid="delete-count">{count} nodes</b>: <Code>{path}</Code> and its {count - 1}{" "}
              descendants, deepest first.
            </>
          )}{" "}
          Watchers see NodeDeleted. This cannot be undone.
        </Text>
      ),
      labels: { confirm: count === 1 ? "Delete" : `Delete ${count} nodes`, cancel: "Cancel" },
      confirmProps: { color: "red", "data-testid": "delete-confirm" } as never,
      onConfirm: () => void deleteAll(path, deletionOrder(paths)),
    });
  };

  async function deleteAll(root: string, ordered: string[]) {
    const id = notifications.show({
      loading: true,
      title: `Deleting ${root}`,
      message: `0 / ${ordered.length}`,
      autoClose: false,
    });
    let deleted = 0;
    for (const path of ordered) {
      try {
        await client.node.delete.mutate({ path });
      } catch (error) {
        // Someone else deleting the same node is no failure of ours.
        if (keelCodeOf(error) !== "NONODE") {
          notifications.hide(id);
          notifyError(`Deleted ${deleted} of ${ordered.length}; stopped at ${path}`, error);
          return;
        }
      }
      deleted += 1;
      if (deleted % 50 === 0) notifications.update({ id, message: `${deleted} / ${ordered.length}`, loading: true });
    }
    notifications.hide(id);
    notifySuccess(`Deleted ${root}`, ordered.length === 1 ? undefined : `${ordered.length} nodes`);
    onDeleted(root);
  }
}
