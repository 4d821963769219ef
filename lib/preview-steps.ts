/** Reading `pulumi preview --json`: which resources a change touches, and how. */

export interface Step {
    readonly op: string;
    readonly urn: string;
    /** The top-level inputs that differ, when the provider says. */
    readonly diffReasons?: readonly string[];
    /** Property paths that differ (`spec.replicas`), when the provider gives a detailed diff (the CLI prints null otherwise). */
    readonly detailedDiff?: Readonly<Record<string, { readonly kind?: string; readonly inputDiff?: boolean }>> | null;
}

export interface PreviewJson {
    readonly steps?: readonly Step[];
    readonly diagnostics?: readonly { readonly message?: string; readonly severity?: string }[];
    /** Counts by operation (`{ same: 150, update: 1 }`). */
    readonly changeSummary?: Readonly<Record<string, number>>;
}

/** The resource a URN names: its type token's last element (`Deployment`) and its name. */
export function resourceOf(urn: string): { type: string; kind: string; name: string } {
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return { type, kind: type.split(":").pop() ?? type, name: parts[3] ?? "" };
}

/** The preview's steps that change something, as `Kind/name` (`random:` resources as their type's kind too). */
export function changed(preview: PreviewJson, filter: (type: string) => boolean = () => true): string[] {
    const touched = new Set<string>();
    for (const step of preview.steps ?? []) {
        if (step.op === "same" || step.op === "read") continue;
        const r = resourceOf(step.urn);
        if (r.type.startsWith("pulumi:") || !filter(r.type)) continue;
        touched.add(`${r.kind}/${r.name}`);
    }
    return [...touched].sort();
}

/** The JSON document `pulumi preview --json` prints (it may be preceded by warnings on stdout). */
export function parsePreview(stdout: string): PreviewJson {
    const start = stdout.indexOf("{");
    if (start < 0) {
        throw new Error(`pulumi preview --json printed no JSON:\n${stdout.slice(0, 2000)}`);
    }
    return JSON.parse(stdout.slice(start)) as PreviewJson;
}

/**
 * What `pulumi preview --refresh` would put back, one line per resource: `Deployment/name:
 * update (spec.replicas)`. Empty when the live objects match the program.
 */
export function driftLines(preview: PreviewJson): string[] {
    const lines: string[] = [];
    for (const step of preview.steps ?? []) {
        if (step.op === "same" || step.op === "read" || step.op === "refresh") continue;
        const r = resourceOf(step.urn);
        if (r.type.startsWith("pulumi:")) continue;
        const paths = Object.keys(step.detailedDiff ?? {});
        const what = paths.length > 0 ? paths : (step.diffReasons ?? []);
        lines.push(`${r.kind}/${r.name}: ${step.op}${what.length > 0 ? ` (${[...what].sort().join(", ")})` : ""}`);
    }
    return lines.sort();
}
