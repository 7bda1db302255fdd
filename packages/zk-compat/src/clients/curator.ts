/**
 * Apache Curator 5.4 from Debian (libcurator-framework-java, libcurator-recipes-java). Their jar
 * manifests name their own dependencies (curator-client, guava, zookeeper, zookeeper-jute,
 * slf4j-api), so the class path lists only the Curator jars plus slf4j-nop to keep stdout JSON.
 * CuratorCheck.java is compiled once per test file into a temp directory.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClientProcess, type ClientProcesses, clientFile } from "./client-process.js";

const curatorJars = ["curator-recipes", "curator-framework", "curator-client", "slf4j-nop"].map(
  (name) => `/usr/share/java/${name}.jar`,
);

export class CuratorProgram {
  private constructor(private readonly classDir: string) {}

  static compile(): CuratorProgram {
    const missing = curatorJars.filter((jar) => !existsSync(jar));
    if (missing.length > 0) throw new Error(`Curator jars missing: ${missing.join(", ")}`);
    const classDir = mkdtempSync(join(tmpdir(), "zk-compat-curator-"));
    execFileSync("javac", ["-d", classDir, "-cp", curatorJars.join(":"), clientFile("curator", "CuratorCheck.java")], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    return new CuratorProgram(classDir);
  }

  start(processes: ClientProcesses, label: string, args: readonly string[]): ClientProcess {
    return processes.start(label, "java", [
      "-Xmx128m",
      "-cp",
      [this.classDir, ...curatorJars].join(":"),
      "CuratorCheck",
      ...args,
    ]);
  }

  dispose(): void {
    rmSync(this.classDir, { recursive: true, force: true });
  }
}
