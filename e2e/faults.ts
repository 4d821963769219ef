/**
 * Faults the suite injects into a real deployment (issue 17): restarting the local API
 * server under a running `pulumi up`, waiting for an up to be part-way, and the tally of
 * what was injected and what converged, printed at the end of the run.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubectl } from "./cluster";
import type { E2eTarget } from "./prerequisites";

/** What the run injected and what came back; printed by the suite at the end. */
export const TALLY = { injected: 0, converged: 0, dataObjectsLost: 0, tornCheckpoints: 0 };

/** Where the shared tools' start.sh keeps the local API server's pid and log. */
const LOCAL_RUN = process.env.LOCAL_APISERVER_RUN ?? path.join(os.homedir(), ".cache", "local-apiserver", "run");

/** The local API server's pid and command line, or undefined when the suite runs elsewhere. */
function localApiServer(): { pid: number; argv: string[] } | undefined {
    const pidFile = path.join(LOCAL_RUN, "kube-apiserver.pid");
    if (!fs.existsSync(pidFile)) return undefined;
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        return argv[0]?.endsWith("kube-apiserver") ? { pid, argv } : undefined;
    } catch {
        return undefined;
    }
}

export function canRestartApiServer(): boolean {
    return localApiServer() !== undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops the local API server, keeps it down `downMs`, starts it again as it was, and waits until it is ready. */
export async function restartApiServer(target: E2eTarget, downMs: number): Promise<void> {
    const server = localApiServer();
    if (!server) throw new Error(`no local kube-apiserver recorded in ${LOCAL_RUN}`);
    process.kill(server.pid, "SIGTERM");
    for (let i = 0; i < 80 && alive(server.pid); i++) await sleep(250);
    if (alive(server.pid)) process.kill(server.pid, "SIGKILL");
    await sleep(downMs);
    const log = fs.openSync(path.join(LOCAL_RUN, "kube-apiserver.log"), "a");
    const child = spawn(server.argv[0]!, server.argv.slice(1), { detached: true, stdio: ["ignore", log, log] });
    child.unref();
    fs.writeFileSync(path.join(LOCAL_RUN, "kube-apiserver.pid"), String(child.pid));
    await until(() => ready(target), 90_000, "the API server did not come back");
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

function ready(target: E2eTarget): boolean {
    try {
        return kubectl(target, ["get", "--raw", "/readyz"]).trim() === "ok";
    } catch {
        return false;
    }
}

/** Polls `check` every 250 ms until it holds. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
        if (Date.now() > end) throw new Error(`${what} within ${timeoutMs / 1000} s`);
        await sleep(250);
    }
}

/** How many objects of these kinds the namespace holds now (0 when it does not exist). */
export function objectCount(target: E2eTarget, namespace: string, kinds = "deployments,statefulsets,services,configmaps,serviceaccounts"): number {
    try {
        return kubectl(target, ["get", kinds, "-n", namespace, "--no-headers", "-o", "name"]).split("\n").filter(Boolean).length;
    } catch {
        return 0;
    }
}

/** The data tier as uids: PostgreSQL's StatefulSet and every claim of the namespace. Lost or replaced objects change it. */
export function dataTier(target: E2eTarget, namespace: string): Map<string, string> {
    const uids = (kind: string) =>
        kubectl(target, ["get", kind, "-n", namespace, "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.uid}{\"\\n\"}{end}"])
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split("=") as [string, string]);
    const sts = kubectl(target, ["get", "statefulset", "postgres", "-n", namespace, "-o", "jsonpath={.kind}/{.metadata.name}={.metadata.uid}"]);
    return new Map([sts.split("=") as [string, string], ...uids("pvc")]);
}

/** Objects of `before` that are gone from `after` or were replaced (a new uid). */
export function lost(before: Map<string, string>, after: Map<string, string>): string[] {
    return [...before].filter(([id, uid]) => after.get(id) !== uid).map(([id]) => id);
}
