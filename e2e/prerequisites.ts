/**
 * Whether the end-to-end suite may run here, and against what. It needs the real `pulumi`
 * and `kubectl` on PATH and a kubeconfig; it never touches a cluster it was not pointed at
 * by name (E2E_KUBE_CONTEXT), because it creates and deletes whole namespaces there.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { parse } from "yaml";

export interface E2eTarget {
    readonly kubeconfig: string;
    /** The kubeconfig context every command and the program's provider use, never the current one. */
    readonly context: string;
}

export type Readiness = { readonly ready: true; readonly target: E2eTarget } | { readonly ready: false; readonly skip: string };

/** Refused outright: the suite would otherwise run against a cluster nobody chose for it. */
export class RefusedTarget extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RefusedTarget";
    }
}

export const CONTEXT_VARIABLE = "E2E_KUBE_CONTEXT";

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
    try {
        execFileSync(command, ["version", ...(command === "kubectl" ? ["--client"] : [])], { env, stdio: "ignore", timeout: 30_000 });
        return true;
    } catch {
        return false;
    }
}

/** Contexts a kubeconfig file names. */
export function contextsOf(kubeconfig: string): string[] {
    const config = parse(fs.readFileSync(kubeconfig, "utf8")) as { contexts?: { name?: string }[] } | null;
    return (config?.contexts ?? []).map((c) => c.name).filter((n): n is string => typeof n === "string");
}

/**
 * Skips (with the reason) when a tool or the kubeconfig is missing; throws RefusedTarget
 * when there is a cluster but no explicit, existing context to use.
 */
export function readiness(env: NodeJS.ProcessEnv = process.env, probe: (command: string) => boolean = (c) => onPath(c, env)): Readiness {
    for (const command of ["pulumi", "kubectl"]) {
        if (!probe(command)) {
            return { ready: false, skip: `no ${command} on PATH (README: "End-to-end tests" says how to get one)` };
        }
    }
    const kubeconfig = env.KUBECONFIG;
    if (!kubeconfig) {
        return { ready: false, skip: "KUBECONFIG is not set: no cluster to run against" };
    }
    if (!fs.existsSync(kubeconfig)) {
        return { ready: false, skip: `KUBECONFIG names ${kubeconfig}, which does not exist` };
    }
    const contexts = contextsOf(kubeconfig);
    const context = env[CONTEXT_VARIABLE];
    if (!context) {
        throw new RefusedTarget(
            `refusing to run: set ${CONTEXT_VARIABLE} to the context of a disposable cluster (contexts in ${kubeconfig}: ${contexts.join(", ") || "none"}); ` +
                "the suite creates and deletes the dev and prod namespaces there",
        );
    }
    if (!contexts.includes(context)) {
        throw new RefusedTarget(`refusing to run: ${CONTEXT_VARIABLE}=${context} is not a context in ${kubeconfig} (it has: ${contexts.join(", ") || "none"})`);
    }
    return { ready: true, target: { kubeconfig, context } };
}
