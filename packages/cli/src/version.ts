/** Kept in step with packages/cli/package.json (a unit test compares them). */
export const CLI_VERSION = "0.1.0";
