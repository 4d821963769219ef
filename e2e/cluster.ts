/** What the API server holds, read with `kubectl` against the suite's explicit context. */
import { execFileSync } from "child_process";
import type { E2eTarget } from "./prerequisites";

export interface LiveObject {
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    readonly raw: Record<string, unknown>;
}

export function kubectl(target: E2eTarget, args: readonly string[], input?: string): string {
    return execFileSync("kubectl", ["--kubeconfig", target.kubeconfig, "--context", target.context, ...args], {
        encoding: "utf8",
        input,
        stdio: ["pipe", "pipe", "pipe"],
        maxBuffer: 256 * 2 ** 20,
        timeout: 120_000,
    });
}

interface ListJson {
    items: { kind: string; metadata: { name: string; namespace?: string } }[];
}

/** Every object of the given kinds in the given namespaces, plus those namespaces themselves. */
export function liveObjects(target: E2eTarget, namespaces: readonly string[], kinds: readonly string[]): LiveObject[] {
    const found: LiveObject[] = [];
    const namespaced = kinds.filter((k) => k !== "Namespace");
    for (const namespace of namespaces) {
        if (!namespaceExists(target, namespace)) continue;
        found.push({ kind: "Namespace", name: namespace, raw: JSON.parse(kubectl(target, ["get", "namespace", namespace, "-o", "json"])) as Record<string, unknown> });
        if (namespaced.length === 0) continue;
        const list = JSON.parse(kubectl(target, ["get", namespaced.join(","), "-n", namespace, "-o", "json"])) as ListJson;
        for (const item of list.items) {
            found.push({ kind: item.kind, namespace: item.metadata.namespace, name: item.metadata.name, raw: item as unknown as Record<string, unknown> });
        }
    }
    return found;
}

export function namespaceExists(target: E2eTarget, namespace: string): boolean {
    return kubectl(target, ["get", "namespace", "--ignore-not-found", "-o", "name", namespace]).trim() !== "";
}

/** Waits until none of the namespaces exists (the namespace controller has emptied them); throws after `seconds`. */
export async function waitUntilGone(target: E2eTarget, namespaces: readonly string[], seconds: number): Promise<void> {
    const end = Date.now() + seconds * 1000;
    while (namespaces.some((n) => namespaceExists(target, n))) {
        if (Date.now() > end) {
            throw new Error(`namespaces ${namespaces.join(", ")} still exist after ${seconds} s`);
        }
        await new Promise((r) => setTimeout(r, 1000));
    }
}

/** One object as JSON, or undefined when it does not exist. */
export function getObject(target: E2eTarget, kind: string, namespace: string | undefined, name: string): Record<string, unknown> | undefined {
    const out = kubectl(target, ["get", kind, name, "--ignore-not-found", "-o", "json", ...(namespace ? ["-n", namespace] : [])]).trim();
    return out ? (JSON.parse(out) as Record<string, unknown>) : undefined;
}

export function idOf(o: { kind: string; namespace?: string; name: string }): string {
    return `${o.kind}/${o.namespace ?? "-"}/${o.name}`;
}
