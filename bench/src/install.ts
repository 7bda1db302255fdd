/**
 * Makes sure the Debian packages of the systems we compare against are there: as root, installs
 * the missing ones (one `apt-get update`, then `apt-get install -y`); otherwise says what to run.
 * Returns, per package, why it is unusable (undefined when it is ready).
 */
import { spawnSync } from "node:child_process";

function installedVersion(pkg: string): string | undefined {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} syntax
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}\t${Version}", pkg], { encoding: "utf8" });
  if (result.status !== 0) return undefined;
  const [status, version] = result.stdout.split("\t");
  return status?.endsWith("installed") && !status.includes("not-installed") ? version : undefined;
}

function candidateVersion(pkg: string): string | undefined {
  const result = spawnSync("apt-cache", ["policy", pkg], { encoding: "utf8" });
  const match = /Candidate:\s+(\S+)/.exec(result.stdout ?? "");
  return match && match[1] !== "(none)" ? match[1] : undefined;
}

let updated = false;

export function ensureDebianPackages(
  packages: readonly string[],
  log: (line: string) => void,
): Map<string, string | undefined> {
  const problems = new Map<string, string | undefined>();
  const missing = packages.filter((pkg) => installedVersion(pkg) === undefined);
  for (const pkg of packages) problems.set(pkg, undefined);
  if (missing.length === 0) return problems;
  if (spawnSync("which", ["apt-get"]).status !== 0) {
    for (const pkg of missing) problems.set(pkg, `Debian package ${pkg} is not installed and there is no apt-get here`);
    return problems;
  }
  if (process.getuid?.() !== 0) {
    for (const pkg of missing)
      problems.set(pkg, `Debian package ${pkg} is not installed; run: sudo apt-get install -y ${pkg}`);
    return problems;
  }
  const unknown = missing.filter((pkg) => candidateVersion(pkg) === undefined);
  if (unknown.length > 0 && !updated) {
    log("apt-get update (once)...");
    spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
    updated = true;
  }
  const installable = missing.filter((pkg) => candidateVersion(pkg) !== undefined);
  for (const pkg of missing.filter((p) => !installable.includes(p))) {
    problems.set(pkg, `Debian package ${pkg} has no installation candidate in apt's lists`);
  }
  if (installable.length > 0) {
    log(`apt-get install -y ${installable.join(" ")}...`);
    const result = spawnSync("apt-get", ["install", "-y", "-qq", ...installable], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    for (const pkg of installable) {
      if (installedVersion(pkg) === undefined) {
        problems.set(pkg, `apt-get install ${pkg} failed (exit ${result.status ?? result.signal})`);
      }
    }
  }
  return problems;
}

export { installedVersion };
