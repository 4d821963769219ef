/**
 * Scripts that run under the Alpine or busybox images in the cluster run here under
 * `busybox sh` with busybox's applets first on PATH (date, gzip, wget...), where busybox is
 * installed, so a GNU-only option fails here as it would there.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A folder of busybox's applets, or undefined where busybox is not installed. */
export const BUSYBOX = (() => {
    if (spawnSync("busybox", ["true"]).status !== 0) {
        return undefined;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "busybox-"));
    spawnSync("busybox", ["--install", "-s", dir]);
    return dir;
})();

/** The environment and command that run a shell script as the cluster would. */
export function busyboxShell(env: NodeJS.ProcessEnv): { command: string; prefix: string[]; env: NodeJS.ProcessEnv } {
    const fullEnv = { ...process.env, ...env, ...(BUSYBOX ? { PATH: `${BUSYBOX}:${process.env.PATH}` } : {}) };
    return BUSYBOX ? { command: "busybox", prefix: ["sh"], env: fullEnv } : { command: "sh", prefix: [], env: fullEnv };
}

/** Runs `sh -c script` without blocking the event loop (the test may serve it meanwhile). */
export function runScript(script: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const shell = busyboxShell(env);
    return new Promise((resolve, reject) => {
        const child = spawn(shell.command, [...shell.prefix, "-c", script], { env: shell.env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", reject);
        child.on("close", (status) => {
            clearTimeout(timer);
            resolve({ status, stdout, stderr });
        });
    });
}
