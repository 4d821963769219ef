/** Reading `pulumi preview --json`: which resources a change touches, and how. */

export interface Step {
    readonly op: string;
    readonly urn: string;
}

export interface PreviewJson {
    readonly steps?: readonly Step[];
    readonly diagnostics?: readonly { readonly message?: string; readonly severity?: string }[];
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
