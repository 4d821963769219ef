/**
 * A throwaway copy of the project for the real `pulumi` CLI: its own file backend and
 * passphrase, its own stack files (the repository's are never edited), the project's
 * node_modules linked in. What the suite and `npm run bench:e2e` drive the CLI through.
 * `<root>/env.sh` holds its (throwaway) backend and passphrase, to inspect a kept one by hand.
 */
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isScalar, parse, parseDocument, visit } from "yaml";
import { resolvePlain } from "../offline/go-yaml";
import { PROJECT_DIR, projectName } from "../offline/stack-config";
import type { E2eTarget } from "./prerequisites";

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly seconds: number;
}

/** Asserts a CLI run succeeded, showing its output when it did not. */
export function ok(result: CliResult, what: string): CliResult {
    assert.equal(result.code, 0, `${what} failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-5000)}`);
    return result;
}

/** What a user's clone has: no dependencies, build output or earlier renders. */
const NOT_COPIED = new Set([".git", "node_modules", "bin", "rendered", "reports", ".stryker-tmp", "scratch"]);

function copyProject(from: string, to: string): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        if (NOT_COPIED.has(entry.name)) continue;
        const source = path.join(from, entry.name);
        const target = path.join(to, entry.name);
        if (entry.isDirectory()) {
            copyProject(source, target);
        } else if (entry.isFile()) {
            fs.copyFileSync(source, target);
        }
    }
}

export class Workspace {
    readonly dir: string;
    readonly project: string;
    private readonly env: NodeJS.ProcessEnv;
    private readonly log: string;

    private constructor(
        readonly root: string,
        readonly target: E2eTarget,
        passphrase: string = randomBytes(16).toString("hex"),
    ) {
        this.dir = path.join(root, "project");
        this.project = projectName();
        this.log = path.join(root, "cli.log");
        fs.mkdirSync(path.join(root, "state"), { recursive: true });
        this.env = {
            ...process.env,
            KUBECONFIG: target.kubeconfig,
            PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
        };
        // To run the CLI by hand in a kept workspace: `source <root>/env.sh; cd <root>/project`.
        const exported = ["KUBECONFIG", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_SKIP_UPDATE_CHECK"];
        fs.writeFileSync(path.join(root, "env.sh"), exported.map((k) => `export ${k}='${this.env[k]}'\n`).join(""), { mode: 0o600 });
    }

    /** A fresh copy of the project in a temporary folder (`copy: false`: an empty one with its node_modules). */
    static create(target: E2eTarget, from: string = PROJECT_DIR, options: { copy?: boolean } = {}): Workspace {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecommerce-e2e-"));
        const ws = new Workspace(root, target);
        if (options.copy === false) {
            fs.mkdirSync(ws.dir, { recursive: true });
        } else {
            copyProject(from, ws.dir);
        }
        fs.symlinkSync(path.join(from, "node_modules"), path.join(ws.dir, "node_modules"), "dir");
        return ws;
    }

    /**
     * A workspace an earlier run kept (its root holds `env.sh`, `state/` and `project/`), to
     * run more scenarios against the stack it left up.
     */
    static reopen(root: string, target: E2eTarget): Workspace {
        const env = fs.readFileSync(path.join(root, "env.sh"), "utf8");
        const passphrase = /PULUMI_CONFIG_PASSPHRASE='([^']*)'/.exec(env)?.[1];
        if (!passphrase || !fs.existsSync(path.join(root, "project"))) {
            throw new Error(`${root} is not a kept workspace (no env.sh with a passphrase, or no project/)`);
        }
        return new Workspace(root, target, passphrase);
    }

    /** Runs `pulumi <args>` in the copy; never throws on a non-zero exit (callers assert on it). */
    pulumi(args: readonly string[], timeoutSeconds = 900): Promise<CliResult> {
        return this.run("pulumi", [...args, "--non-interactive"], timeoutSeconds);
    }

    /**
     * Starts `pulumi <args>` as its own process group, so `kill()` takes the CLI and every
     * plugin it started down at once, as a killed CI runner would.
     */
    start(args: readonly string[]): { readonly done: Promise<CliResult>; kill(): void } {
        const { child, done } = this.launch("pulumi", [...args, "--non-interactive"], true);
        return {
            done,
            kill: () => {
                try {
                    process.kill(-child.pid!, "SIGKILL");
                } catch {
                    // Already gone.
                }
            },
        };
    }

    run(command: string, args: readonly string[], timeoutSeconds = 900): Promise<CliResult> {
        const { child, done } = this.launch(command, args, false);
        const timer = setTimeout(() => child.kill("SIGTERM"), timeoutSeconds * 1000);
        return done.finally(() => clearTimeout(timer));
    }

    /** Runs a command in the copy, logging it and what it printed to cli.log; `detached`: its own process group. */
    private launch(command: string, args: readonly string[], detached: boolean): { child: ChildProcess; done: Promise<CliResult> } {
        const start = process.hrtime.bigint();
        fs.appendFileSync(this.log, `\n$ ${command} ${args.join(" ")}${detached ? "  (in the background)" : ""}\n`);
        const child = spawn(command, args, { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const done = new Promise<CliResult>((resolve, reject) => {
            child.on("error", reject);
            child.on("close", (code, signal) => {
                const seconds = Number(process.hrtime.bigint() - start) / 1e9;
                fs.appendFileSync(this.log, `${stdout}${stderr}[exit ${code ?? signal} after ${seconds.toFixed(1)} s]\n`);
                resolve({ code: code ?? 128, stdout, stderr, seconds });
            });
        });
        return { child, done };
    }

    /** `pulumi stack init`, then the stack's config as in the repository plus `config` (bare keys). */
    async initStack(stack: string, config: Readonly<Record<string, unknown>> = {}): Promise<void> {
        const init = await this.pulumi(["stack", "init", stack]);
        if (init.code !== 0) {
            throw new Error(`pulumi stack init ${stack} failed:\n${init.stderr}${init.stdout}`);
        }
        this.setConfig(stack, config);
    }

    /** Edits the copy's Pulumi.<stack>.yaml as a user would: set (or, with undefined, remove) bare keys. */
    setConfig(stack: string, config: Readonly<Record<string, unknown>>): void {
        const file = path.join(this.dir, `Pulumi.${stack}.yaml`);
        const doc = parseDocument(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n");
        for (const [key, value] of Object.entries(config)) {
            const full = ["config", key.includes(":") ? key : `${this.project}:${key}`];
            if (value === undefined) {
                doc.deleteIn(full);
            } else {
                const node = doc.createNode(value);
                // Quote every string the CLI's YAML reader would take for something else (a
                // timestamp, 010), as `pulumi config set` does.
                visit(node, {
                    Scalar(_, scalar) {
                        if (isScalar(scalar) && typeof scalar.value === "string" && resolvePlain(scalar.value) !== scalar.value) {
                            scalar.type = "QUOTE_DOUBLE";
                        }
                    },
                });
                doc.setIn(full, node);
            }
        }
        fs.writeFileSync(file, doc.toString());
    }

    /** A structured key's current value in the copy's stack file ({} when unset), to change one field of it. */
    configValue(stack: string, key: string): Record<string, unknown> {
        const config = (parse(this.stackFile(stack)) as { config?: Record<string, unknown> }).config ?? {};
        return (config[`${this.project}:${key}`] ?? {}) as Record<string, unknown>;
    }

    /**
     * The file backend keeps each state file's metadata in a `.attrs` file beside it. A CLI
     * killed between writing the one and the other leaves it empty, and every command then
     * fails with "failed to load checkpoint: EOF". Deleting the empty sidecar is the repair
     * (README, "When a deploy goes wrong"); returns the files it deleted.
     */
    repairEmptyStateAttributes(stack: string): string[] {
        const dir = path.join(this.root, "state", ".pulumi", "stacks", this.project);
        const empty = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`${stack}.json`) && f.endsWith(".attrs") && fs.statSync(path.join(dir, f)).size === 0) : [];
        for (const f of empty) fs.rmSync(path.join(dir, f));
        return empty;
    }

    /** Whether an update holds the stack's lock in the file backend now. */
    locked(stack: string): boolean {
        const dir = path.join(this.root, "state", ".pulumi", "locks", "organization", this.project, stack);
        return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith(".json"));
    }

    /** The copy's stack file as text, to put back after a change (`restoreStackFile`). */
    stackFile(stack: string): string {
        return fs.readFileSync(path.join(this.dir, `Pulumi.${stack}.yaml`), "utf8");
    }

    restoreStackFile(stack: string, text: string): void {
        fs.writeFileSync(path.join(this.dir, `Pulumi.${stack}.yaml`), text);
    }

    /** Everything the CLI printed in this workspace, for a failing test's message. */
    transcript(lastChars = 6000): string {
        const text = fs.existsSync(this.log) ? fs.readFileSync(this.log, "utf8") : "";
        return text.slice(-lastChars);
    }

    dispose(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}
