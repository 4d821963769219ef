/** Pulumi.yaml declares exactly the keys the program reads, and the README documents each of them. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CLUSTER_DNS_DEFAULTS, CLUSTER_NETWORK_DEFAULTS, DOCKER_DEFAULTS, OBSERVABILITY_DEFAULTS, POSTGRES_DEFAULTS } from "../stacks/defaults";
import { stackConfig } from "../stacks/schema";

const ROOT = path.resolve(__dirname, "..");
const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: { name: string };
    config: Record<string, { type?: string; default?: unknown; description?: string }>;
};
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const programKeys = Object.keys(stackConfig.shape).sort();

describe("project file and README", () => {
    it("declares every key the program validates, and no other", () => {
        assert.deepEqual(Object.keys(project.config).sort(), programKeys);
    });

    it("gives every key a description, and a default unless each stack must choose it", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(declaration.description && declaration.description.length > 20, `${key} description`);
            if (key !== "namespace") {
                assert.notEqual(declaration.default, undefined, `${key} default`);
            }
        }
    });

    it("types every scalar key, so the CLI checks it before the program runs", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            const structured = typeof declaration.default === "object" && declaration.default !== null;
            // Pulumi.yaml has no object type: structured keys stay untyped and are checked by the program.
            assert.equal(declaration.type === undefined, structured, key);
        }
    });

    it("documents every key with its default in the README's configuration table", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
            assert.ok(row, `README has no row for ${key}`);
            const shown = declaration.default === undefined ? "(required)" : JSON.stringify(declaration.default);
            const expected = typeof declaration.default === "string" ? declaration.default || '""' : shown;
            assert.ok(row.includes(`\`${expected}\``) || (expected === "(required)" && row.includes(expected)), `${key} default ${expected} in: ${row}`);
        }
    });

    it("documents each stack file in the README", () => {
        for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
            assert.ok(readme.includes(file), `README does not mention ${file}`);
        }
    });

    it("documents every PostgreSQL, observability and Docker field with its default", () => {
        const leaves = (value: object, prefix: string): [string, unknown][] =>
            Object.entries(value).flatMap(([k, v]) =>
                typeof v === "object" && v !== null && k !== "resources" && k !== "podLabels" && !Array.isArray(v) ? leaves(v, `${prefix}.${k}`) : [[`${prefix}.${k}`, v] as [string, unknown]],
            );
        for (const [field, value] of [
            ...leaves(POSTGRES_DEFAULTS, "postgres"),
            ...leaves(OBSERVABILITY_DEFAULTS, "observability"),
            ...leaves(DOCKER_DEFAULTS, "docker"),
            ...leaves(CLUSTER_DNS_DEFAULTS, "clusterDns"),
            ...leaves(CLUSTER_NETWORK_DEFAULTS, "clusterNetwork"),
        ]) {
            // A map's entries share one row: docker.hostPorts.grafana is in docker.hostPorts.<name>'s.
            const documentedAs = field.replace(/^docker\.hostPorts\.[a-z-]+$/, "docker.hostPorts.<name>");
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${documentedAs}\` |`));
            assert.ok(row, `README has no row for ${field}`);
            const shown =
                field.endsWith(".podLabels")
                    ? Object.entries(value as Record<string, string>).map(([k, v]) => `${k}: ${v}`)
                    : Array.isArray(value)
                    ? value.map(String)
                    : typeof value === "object" && value !== null
                    ? Object.values(value as Record<string, Record<string, string>>).flatMap((pair) => Object.values(pair))
                    : [value === "" ? '""' : String(value)];
            for (const part of shown) {
                assert.ok(row.includes(`\`${part}\``), `${field}: ${part} missing in ${row}`);
            }
        }
    });
});
