/**
 * The README's configuration tables against the schema that reads the stack files
 * (stacks/schema.ts): every key the schema accepts is documented, and every documented key
 * is one the schema accepts. A documented structured key (`resources`, `autoscaling`, ...)
 * covers its fields, which its row describes; `services.<name>.` rows are documented once
 * for every service, in the per-service table.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { stackConfig } from "../stacks/schema";

interface Def {
    type: string;
    shape?: Record<string, unknown>;
    innerType?: unknown;
    in?: unknown;
    out?: unknown;
    valueType?: unknown;
    element?: unknown;
}
const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;

/** Every path the schema accepts down to its values ("postgres.backup.schedule"); a record's keys are `<name>`, an array's items `[]`. */
function schemaPaths(schema: unknown, prefix = ""): string[] {
    const def = defOf(schema);
    switch (def.type) {
        case "object":
            return Object.entries(def.shape!).flatMap(([k, v]) => [`${prefix}${k}`, ...schemaPaths(v, `${prefix}${k}.`)]);
        case "optional":
        case "default":
        case "nullable":
        case "readonly":
        case "catch":
        case "prefault":
            return schemaPaths(def.innerType, prefix);
        case "pipe":
            // A structured key arrives as JSON text, parsed by a transform, then checked by `out`.
            return defOf(def.in).type === "transform" ? schemaPaths(def.out, prefix) : schemaPaths(def.in, prefix);
        case "record":
            return [`${prefix}<name>`, ...schemaPaths(def.valueType, `${prefix}<name>.`)];
        case "array":
            return schemaPaths(def.element, `${prefix}[].`);
        default:
            return [];
    }
}

/** Rows whose description covers all their fields. */
const DOCUMENTED_WHOLE = /(^|\.)(resources|autoscaling|env|alertReceivers|offsite|imageBuild|clusterNetwork\.internalCidrs|clusterDns\.podLabels)$/;

/** The first column of the Configuration section's tables, the per-service table's rows under `services.<name>.`. */
function documentedKeys(): string[] {
    const readme = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Configuration\n"), readme.indexOf("\n## ", readme.indexOf("\n## Configuration\n") + 5));
    const keys: string[] = [];
    let perService = false;
    for (const line of section.split("\n")) {
        if (/^Per-service overrides/.test(line)) perService = true;
        else if (/^[A-Z]/.test(line)) perService = false;
        const m = /^\| `([^`]+)` \|/.exec(line);
        if (m) keys.push(perService ? `services.<name>.${m[1]}` : m[1]!);
    }
    return keys;
}

describe("the README's configuration tables and the schema", () => {
    const schema = schemaPaths(stackConfig);
    const documented = documentedKeys();

    it("reads both: the schema's paths and the tables' keys", () => {
        assert.ok(schema.includes("postgres.backup.schedule") && schema.includes("services.<name>.image"), schema.slice(0, 20).join(", "));
        assert.ok(documented.includes("imageTag") && documented.includes("services.<name>.image"), documented.slice(0, 20).join(", "));
    });

    it("documents every key the schema accepts, or the structured key that holds it", () => {
        const covered = (p: string) =>
            documented.some((d) => d === p || (DOCUMENTED_WHOLE.test(d) && p.startsWith(`${d}.`)));
        // An object's own path is documented through its fields.
        const values = schema.filter((p) => !schema.some((q) => q.startsWith(`${p}.`)) || DOCUMENTED_WHOLE.test(p));
        assert.deepEqual(values.filter((p) => !covered(p)), []);
    });

    it("documents no key the schema does not accept", () => {
        assert.deepEqual(documented.filter((d) => !schema.includes(d)), []);
    });
});
