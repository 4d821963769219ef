/**
 * The pull request's capacity comment: what each Kubernetes stack requests at minimum and
 * maximum replicas before and after the change, computed by offline/capacity.ts (the
 * figures `npm run bench` prints), as a Markdown table.
 */
import { formatCpu, formatMemory } from "../lib/quantity";
import { capacityRange, type Capacity, type CapacityRange } from "./capacity";
import { kubernetesObjects } from "./manifests";
import { runProgram } from "./run";
import { stackNames } from "./stack-config";

/** By stack name; the docker target's stacks request nothing of a cluster and are left out. */
export type StackCapacities = Readonly<Record<string, CapacityRange>>;

/** Marks the comment, so the workflow edits its own instead of adding one per push. */
export const REPORT_MARKER = "<!-- capacity-report -->";

export async function stackCapacities(): Promise<StackCapacities> {
    const result: Record<string, CapacityRange> = {};
    for (const stack of stackNames()) {
        const objects = kubernetesObjects((await runProgram({ stack })).resources);
        if (objects.length > 0) {
            result[stack] = capacityRange(objects);
        }
    }
    return result;
}

function delta(before: number | undefined, after: number, format: (n: number) => string): string {
    if (before === undefined) {
        return format(after);
    }
    const d = after - before;
    const shown = `${format(before)} → ${format(after)}`;
    return d === 0 ? format(after) : `${shown} (**${d > 0 ? "+" : "−"}${format(Math.abs(d))}**)`;
}

function row(stack: string, at: "min" | "max", before: Capacity | undefined, after: Capacity): string {
    return `| ${stack} | ${at} | ${delta(before?.cpu, after.cpu, formatCpu)} | ${delta(before?.memory, after.memory, formatMemory)} | ${delta(before?.pods, after.pods, String)} |`;
}

/** `before` is undefined when the base branch could not say (it predates this report). */
export function capacityReport(before: StackCapacities | undefined, after: StackCapacities): string {
    const stacks = Object.keys(after).sort();
    const changed = stacks.filter((s) => JSON.stringify(before?.[s]) !== JSON.stringify(after[s]));
    const lines = [
        REPORT_MARKER,
        "### Capacity: what each stack requests of the cluster",
        "",
        before === undefined
            ? "The base branch cannot compute this; figures are after the change only."
            : changed.length === 0
              ? "No change to what any stack requests."
              : `Changed: ${changed.join(", ")}.`,
        "",
        "| stack | replicas | CPU | memory | pods |",
        "|---|---|---|---|---|",
        ...stacks.flatMap((s) => [row(s, "min", before?.[s]?.min, after[s]!.min), row(s, "max", before?.[s]?.max, after[s]!.max)]),
        "",
        "Requests of Deployments and StatefulSets at their autoscalers' minimum and maximum (`npm run bench` prints the same).",
    ];
    return lines.join("\n");
}
