/**
 * npm run snapshot -- --out <file>
 *
 * Everything the program declares, offline, for every stack and a few variants that switch
 * on what the stack files leave off: each resource's type, name, inputs (secrets revealed),
 * provider, protection and dependencies, as stable JSON. Two snapshots compare equal exactly
 * when a refactor changed nothing a deployment would see: `diff before.json after.json`.
 */
import * as fs from "fs";
import { parseArgs } from "../offline/args";
import { revealSecrets } from "../offline/manifests";
import { runProgram, type RunOptions } from "../offline/run";
import { stackNames } from "../offline/stack-config";

const VARIANTS: readonly RunOptions[] = [
    ...stackNames().map((stack) => ({ stack })),
    { stack: "prod", config: { skipAwait: true, smokeTest: true, scaleToZero: true, postgres: { restoreFrom: "full_backup_20260101T020000Z.sql.gz" } } },
    { stack: "prod", config: { datasource: "postgres", imageRegistry: "registry.example.com/shop", imageTag: "1.0.0-pg" } },
    { stack: "local", config: { datasource: "postgres" } },
];

/** JSON with object keys sorted, so key order in the code does not count as a change. */
function stable(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(stable);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]));
    }
    return value;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2), ["out"]);
    if (!args.out) {
        throw new Error("--out is required: the file to write the snapshot to");
    }
    const snapshot: Record<string, unknown> = {};
    for (const variant of VARIANTS) {
        const { resources, outputs } = await runProgram(variant);
        snapshot[JSON.stringify(variant)] = {
            outputs: stable(outputs),
            resources: resources.map((r) =>
                stable({ type: r.type, name: r.name, inputs: revealSecrets(r.inputs), provider: r.provider, protect: r.protect, dependencies: [...r.dependencies].sort() }),
            ),
        };
    }
    fs.writeFileSync(args.out, `${JSON.stringify(snapshot, null, 1)}\n`);
    console.log(`snapshot of ${VARIANTS.length} stack variants written to ${args.out}`);
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
