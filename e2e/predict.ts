/**
 * What the offline model says a config change touches: the program run under mocks before
 * and after, compared resource by resource. The suite holds the real engine's preview to it,
 * so a difference between what the mocks declare and what the engine does shows up.
 */
import { objectName } from "../lib/preview-steps";
import { revealSecrets } from "../offline/manifests";
import type { RecordedResource } from "../offline/mocks";
import { runProgram } from "../offline/run";

/** Resources a deployment owns (not components, not providers), as `Kind/name` like steps.changed(). */
const OWNED = (r: RecordedResource) => r.type.startsWith("kubernetes:") || r.type.startsWith("random:");

function keyOf(r: RecordedResource): string {
    return `${r.type.split(":").pop()}/${objectName(r.inputs) ?? r.name}`;
}

export async function predictedChanges(stack: string, base: Record<string, unknown>, change: Record<string, unknown>): Promise<string[]> {
    const before = (await runProgram({ stack, config: base })).resources.filter(OWNED);
    const after = (await runProgram({ stack, config: { ...base, ...change } })).resources.filter(OWNED);
    const state = (rs: readonly RecordedResource[]) => new Map(rs.map((r) => [keyOf(r), JSON.stringify(revealSecrets(r.inputs))]));
    const was = state(before);
    const now = state(after);
    const touched = [...now].filter(([k, v]) => was.get(k) !== v).map(([k]) => k);
    const removed = [...was.keys()].filter((k) => !now.has(k));
    return [...new Set([...touched, ...removed])].sort();
}

/** The resources the program protects from `pulumi destroy`, as `Kind/namespace/name`. */
export async function protectedObjects(stack: string, config: Record<string, unknown>): Promise<{ kind: string; namespace?: string; name: string }[]> {
    const { resources } = await runProgram({ stack, config });
    return resources
        .filter((r) => r.protect && r.type.startsWith("kubernetes:"))
        .map((r) => {
            const meta = (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };
            return { kind: r.type.split(":").pop()!, namespace: meta.namespace, name: meta.name ?? r.name };
        });
}
