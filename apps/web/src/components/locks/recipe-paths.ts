/**
 * Where a watch event under a recipe root lands: the root itself or an instance directory (the
 * list of instances may have changed) or a queue node of one instance (that instance's queue
 * changed). Pure, so the routing of live events is unit-tested.
 */

export type RecipeEventTarget =
  | { readonly type: "instances" }
  | { readonly type: "instance"; readonly name: string }
  | { readonly type: "outside" };

export function recipeEventTarget(root: string, path: string): RecipeEventTarget {
  if (path === root) return { type: "instances" };
  if (!path.startsWith(`${root}/`)) return { type: "outside" };
  const parts = path.slice(root.length + 1).split("/");
  const name = parts[0] ?? "";
  if (name === "") return { type: "outside" };
  // The directory itself appearing or going changes the list; anything below changes its queue.
  return parts.length === 1 ? { type: "instances" } : { type: "instance", name };
}

/** The query keys the recipe pages cache under, so a live event refetches exactly what changed. */
export const recipeNamesKey = (root: string) => ["keel-recipes", root] as const;
export const recipeInstanceKey = (root: string, name: string) => ["keel-recipes", root, name] as const;
