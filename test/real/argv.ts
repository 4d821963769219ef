/**
 * The command lines a script starts, as anyone on the node who can list processes sees them
 * (`/proc/<pid>/cmdline`): the script run under `strace -f -e trace=execve`, which records
 * the argument list of every program it and its children execute. Environments are not
 * recorded (strace prints their size only): a value passed there stays private to the process.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { busyboxShell } from "./busybox";
import { SCRIPTS } from "./pg-scripts";

export const STRACE = spawnSync("strace", ["-V"]).status === 0;

/** strace's options: every child, only program starts, strings in full, no attach/exit noise. */
export function straceArgs(output: string): string[] {
    return ["-f", "-qq", "-e", "trace=execve", "-s", "65536", "-o", output];
}

/** The execve lines of a trace: one per program started, with its argument list. */
export function execLines(trace: string): string[] {
    return fs
        .readFileSync(trace, "utf8")
        .split("\n")
        .filter((l) => /\bexecve\(/.test(l));
}

/** The secrets (by name) that appear in any of the lines, for an assertion message. */
export function exposed(lines: readonly string[], secrets: Readonly<Record<string, string>>): string[] {
    return Object.entries(secrets)
        .filter(([, value]) => value.length > 0 && lines.some((l) => l.includes(value)))
        .map(([name]) => name);
}

export interface Traced {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Every program the script started, with its arguments. */
    readonly execs: string[];
}

/** Runs one of scripts/postgres/ as the cluster does (busybox sh), recording each program it starts. */
export function traced(script: string, env: NodeJS.ProcessEnv, args: readonly string[] = []): Traced {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trace-"));
    try {
        const output = path.join(dir, "trace");
        const shell = busyboxShell(env);
        const r = spawnSync("strace", [...straceArgs(output), shell.command, ...shell.prefix, path.join(SCRIPTS, script), ...args], { env: shell.env, encoding: "utf8" });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, execs: execLines(output) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** A long-running script under strace, in a process group of its own so that stopping it stops the tracee too. */
export function tracedInBackground(script: string, env: NodeJS.ProcessEnv, output: string): { child: ChildProcess; log: () => string; stop: () => void } {
    const shell = busyboxShell(env);
    const child = spawn("strace", [...straceArgs(output), shell.command, ...shell.prefix, path.join(SCRIPTS, script)], { env: shell.env, detached: true });
    let log = "";
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    return {
        child,
        log: () => log,
        stop: () => {
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                // already gone
            }
        },
    };
}
