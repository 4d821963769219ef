/** Reading `pulumi preview --json`: which resources a change touches, and how. */

/** A resource's state in a step: what the program declared (`inputs`) and what the provider holds (`outputs`). */
export interface StepState {
    readonly inputs?: Readonly<Record<string, unknown>>;
    readonly outputs?: Readonly<Record<string, unknown>>;
}

export interface Step {
    readonly op: string;
    readonly urn: string;
    /** The resource after and before the step (absent for a create, or a delete, respectively). */
    readonly newState?: StepState;
    readonly oldState?: StepState;
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

/**
 * What an object is called where it lives: a Kubernetes object's metadata.name, a Docker
 * object's name. Undefined for what has neither (a generated password).
 */
export function objectName(props: Readonly<Record<string, unknown>> | undefined): string | undefined {
    const metadata = props?.metadata as { name?: unknown } | undefined;
    const name = metadata?.name ?? props?.name;
    return typeof name === "string" ? name : undefined;
}

/**
 * A step's resource as an operator names it: `Deployment/service-discovery` (what kubectl
 * takes), not its Pulumi name (`application-service-discovery`, which carries its
 * component's name). Resources with no object name keep their Pulumi name.
 */
export function stepName(step: Step): { type: string; kind: string; name: string } {
    const r = resourceOf(step.urn);
    const name = objectName(step.newState?.inputs) ?? objectName(step.oldState?.outputs) ?? objectName(step.oldState?.inputs) ?? r.name;
    return { ...r, name };
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
        const r = stepName(step);
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
        const r = stepName(step);
        if (r.type.startsWith("pulumi:")) continue;
        const paths = Object.keys(step.detailedDiff ?? {});
        const what = paths.length > 0 ? paths : (step.diffReasons ?? []);
        lines.push(`${r.kind}/${r.name}: ${step.op}${what.length > 0 ? ` (${[...what].sort().join(", ")})` : ""}`);
    }
    return lines.sort();
}
