/**
 * Runs the real program offline for one stack, under the shared mocks, and returns what
 * it declared. No CLI, no cluster. Used by the tests, `npm run render` and `npm run bench`.
 */
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, type RecordedResource } from "./mocks";
import { encodeJs, projectName, stackConfig } from "./stack-config";

export interface RunOptions {
    readonly stack: string;
    /** Config entries to set or replace, by bare key (`imageTag`) or full key; values as written in YAML. */
    readonly config?: Record<string, unknown>;
    /** Config keys to remove, by bare key. */
    readonly unset?: readonly string[];
    /** Bare keys the engine would hold as secrets (set with `pulumi config set --secret`). */
    readonly secrets?: readonly string[];
}

/** What the program logged through `pulumi.log` (in a real run, the CLI's diagnostics), each once, in order. */
export interface Notice {
    readonly severity: "debug" | "info" | "warning" | "error";
    readonly message: string;
}

export interface RunResult {
    readonly resources: readonly RecordedResource[];
    readonly notices: readonly Notice[];
    /** Stack outputs, resolved; the names of those Pulumi would keep encrypted are in `secretOutputs`. */
    readonly outputs: Record<string, unknown>;
    readonly secretOutputs: readonly string[];
}

/**
 * Without an engine, Pulumi's SDK prints `pulumi.log` messages to the console as
 * `<severity>: [runtime] <message>`. During an offline run they are collected instead (each
 * once), so that tests and scripts decide what to show; anything else printed passes on.
 */
function captureNotices(): { readonly list: Notice[]; stop(): void } {
    const list: Notice[] = [];
    const saved = { log: console.log, warn: console.warn, error: console.error };
    const tap =
        (original: (...args: unknown[]) => void) =>
        (...args: unknown[]): void => {
            const m = args.length === 1 && typeof args[0] === "string" ? /^(debug|info|warning|error): \[runtime\] ([\s\S]*)$/.exec(args[0]) : null;
            if (!m) {
                original(...args);
                return;
            }
            const notice = { severity: m[1] as Notice["severity"], message: m[2]! };
            if (!list.some((n) => n.severity === notice.severity && n.message === notice.message)) list.push(notice);
        };
    console.log = tap(saved.log);
    console.warn = tap(saved.warn);
    console.error = tap(saved.error);
    return {
        list,
        stop: () => Object.assign(console, saved),
    };
}

export async function runProgram(options: RunOptions): Promise<RunResult> {
    const project = projectName();
    const config = { ...stackConfig(options.stack) };
    for (const [key, value] of Object.entries(options.config ?? {})) {
        config[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : encodeJs(value);
    }
    for (const key of options.unset ?? []) {
        delete config[`${project}:${key}`];
    }

    pulumi.runtime.setAllConfig(config, (options.secrets ?? []).map((key) => `${project}:${key}`));
    const mappedTraces = plainStackTraces();
    const mocks = new RecordingMocks();
    await mocks.install(project, options.stack);
    const notices = captureNotices();
    // Imported after the mocks are in place, as Pulumi requires.
    const { defineStack } = await import("../stacks/program");
    try {
        const declared = defineStack();
        const { outputs, secretOutputs } = await resolveAll(declared as unknown as Record<string, unknown>);
        if (mocks.duplicateUrns.length > 0) {
            throw new Error(mocks.duplicateUrns.map((urn) => `Duplicate resource URN '${urn}'; try giving it a unique name`).join("\n"));
        }
        return { resources: mocks.resources, notices: notices.list, outputs, secretOutputs };
    } catch (error) {
        throw new ProgramFailure(error, mocks.resources);
    } finally {
        await pulumi.runtime.disconnect();
        notices.stop();
        Error.prepareStackTrace = mappedTraces;
    }
}

/**
 * Pulumi takes a stack trace for every promise and every resource it registers, and ts-node's
 * source-map support maps each one back to TypeScript: half of an offline run's time, for
 * traces the mocks never read. While the program runs they are formatted plainly; an error
 * it throws is formatted when first read, after the run, so it still points at the .ts lines.
 * Returns the formatter to put back.
 */
function plainStackTraces(): typeof Error.prepareStackTrace {
    const mapped = Error.prepareStackTrace;
    // V8's own format, without the mapping.
    Error.prepareStackTrace = (error, frames) => [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join("\n");
    return mapped;
}

/** The program threw; `declared` says what it had registered by then (nothing, for bad config). */
export class ProgramFailure extends Error {
    constructor(
        readonly cause: unknown,
        readonly declared: readonly RecordedResource[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramFailure";
    }
}

async function resolveAll(values: Record<string, unknown>): Promise<{ outputs: Record<string, unknown>; secretOutputs: string[] }> {
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (pulumi.Output.isInstance(value)) {
            outputs[key] = await resolve(value);
            if (await pulumi.isSecret(value)) {
                secretOutputs.push(key);
            }
        } else {
            outputs[key] = value;
        }
    }
    return { outputs, secretOutputs };
}

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((done) => output.apply((v) => done(v)));
}
