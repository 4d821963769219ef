/**
 * npm run render -- --stack <dev|prod> --out <dir> [--set key=value ...]
 *
 * `--set` overrides a config key for this render only (values as in the stack file, JSON
 * for structured keys), e.g. `--set imageTag=0.2.0`.
 *
 * Evaluates the real program offline (no Pulumi CLI, no cluster) with the stack's config
 * file and writes every Kubernetes object it declares as YAML, one file each, named so that
 * `kubectl apply -f <dir>` creates them in a valid order (namespace first). Secrets go to
 * <dir>/secrets/ with their keys but no values: `kubectl apply -f <dir>` does not descend
 * into it, so the cluster keeps its own Secrets.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { kubernetesObjects, type KubeObject } from "../offline/manifests";
import { parseArgs } from "../offline/args";
import { ProgramFailure, runProgram } from "../offline/run";
import { stackNames } from "../offline/stack-config";

export async function render(stack: string, out: string, overrides: Record<string, string> = {}): Promise<string[]> {
    const { resources, notices } = await runProgram({ stack, config: overrides });
    // What `pulumi preview` would show as the program's diagnostics, once each.
    for (const n of notices) console.error(`${n.severity}: ${n.message}`);
    const objects = kubernetesObjects(resources);
    if (objects.length === 0 && resources.some((r) => r.type.startsWith("docker:"))) {
        throw new Error(`stack ${stack} runs on Docker (target: docker): there are no Kubernetes manifests to render`);
    }
    clearPreviousRender(out);
    const written: string[] = [];
    objects.forEach((o, i) => {
        const dir = o.kind === "Secret" ? path.join(out, "secrets") : out;
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, fileName(o, i));
        fs.writeFileSync(file, toYaml(o));
        written.push(file);
    });
    return written;
}

/**
 * YAML as a person edits it on the manual's `kubectl apply -f` path: multi-line values
 * (scripts, configs) as literal blocks, lines never folded.
 */
export function toYaml(o: KubeObject): string {
    return stringify(o, { sortMapEntries: false, blockQuote: "literal", lineWidth: 0 });
}

const RENDERED = /^\d{3}-[a-z]+-[a-z0-9.-]+\.yaml$/;

/** Removes what an earlier render wrote there, and nothing else: --out may be a folder with other files. */
function clearPreviousRender(out: string): void {
    for (const dir of [out, path.join(out, "secrets")]) {
        if (fs.existsSync(dir)) {
            for (const f of fs.readdirSync(dir).filter((name) => RENDERED.test(name))) {
                fs.rmSync(path.join(dir, f));
            }
        }
    }
    fs.mkdirSync(out, { recursive: true });
}

function fileName(o: KubeObject, index: number): string {
    return `${String(index).padStart(3, "0")}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2), ["stack", "out", "set"]);
    const stacks = stackNames();
    if (!args.stack || !stacks.includes(args.stack)) {
        throw new Error(`--stack is required, one of: ${stacks.join(", ")}`);
    }
    const out = path.resolve(args.out ?? path.join("rendered", args.stack));
    const files = await render(args.stack, out, args.set ?? {});
    console.log(`rendered ${files.length} objects of stack ${args.stack} to ${out}`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        const cause = error instanceof ProgramFailure ? error.cause : error;
        console.error(cause instanceof Error ? cause.message : String(cause));
        process.exit(1);
    });
}
