/** The repository's structure: layers point down, and files cite only what a clone contains. */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../offline/stack-config";

const tracked = (pattern: string) => execFileSync("git", ["ls-files", pattern], { cwd: PROJECT_DIR, encoding: "utf8" }).split("\n").filter(Boolean);
const sources = () => [...tracked("*.ts"), ...tracked("*.sh")].filter((f) => fs.existsSync(path.join(PROJECT_DIR, f)));

/** Relative imports of a TypeScript file, resolved to repository paths. */
function imports(file: string): string[] {
    const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
    return [...text.matchAll(/(?:from|import|require\()\s*"(\.[^"]*)"/g)].map((m) => path.normalize(path.join(path.dirname(file), m[1]!)));
}

/** The leading comment of a file: its first block comment, or its first run of # or // lines. */
function openingComment(file: string): string {
    const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8").replace(/^#!.*\n/, "");
    const block = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(text);
    if (block) return block[1]!;
    return (/^(?:\s*(?:#|\/\/).*\n)+/.exec(text)?.[0] ?? "");
}

describe("layout", () => {
    // catalog -> settings -> components -> stacks -> index.ts: each layer imports only those before it.
    const LAYERS = ["lib", "catalog", "settings", "components", "stacks"];

    it("has layers that point only down: nothing below stacks/ imports from a layer above it", () => {
        const upward: string[] = [];
        for (const file of tracked("*.ts")) {
            const layer = LAYERS.indexOf(file.split("/")[0]!);
            if (layer < 0) continue;
            for (const target of imports(file)) {
                const targetLayer = LAYERS.indexOf(target.split("/")[0]!);
                if (targetLayer > layer) upward.push(`${file} -> ${target}`);
            }
        }
        assert.deepEqual(upward, []);
    });

    it("the layer check sees real imports, so it can fail", () => {
        assert.ok(imports("stacks/program.ts").some((t) => t.startsWith("components/")));
        assert.ok(imports("components/application/microservice.ts").some((t) => t.startsWith("settings")));
    });

    it("opening comments cite only files and folders a fresh clone contains", () => {
        const missing: string[] = [];
        for (const file of sources()) {
            const comment = openingComment(file);
            const citations = [
                ...[...comment.matchAll(/`([\w.-]+\/[\w./-]*)`/g)].map((m) => m[1]!),
                ...[...comment.matchAll(/(?:^|[\s(])([\w.-]+\/[\w./-]+\.(?:md|ts|sh|json|yaml|yml))\b/g)].map((m) => m[1]!),
            ];
            for (const cited of citations) {
                // Placeholders (`policy/<stack>.json`) and annotation keys (`pulumi.com/skipAwait`) are no paths.
                if (/[<>*]/.test(cited!) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|io|org|dev|net)\//.test(cited!)) continue;
                const candidates = [path.join(PROJECT_DIR, cited!), path.join(PROJECT_DIR, path.dirname(file), cited!)];
                if (!candidates.some((c) => fs.existsSync(c.replace(/\/$/, "")))) missing.push(`${file}: ${cited}`);
            }
        }
        assert.deepEqual(missing, []);
    });

    it("keeps the policy pack standalone: its files import only each other and the packages its package.json declares", () => {
        const pack = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
        const declared = new Set([...Object.keys(pack.dependencies ?? {}), ...Object.keys(pack.devDependencies ?? {})]);
        const builtin = new Set(require("module").builtinModules as string[]);
        const outside: string[] = [];
        for (const file of tracked("policy/*.ts")) {
            const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
            for (const target of imports(file)) if (!target.startsWith("policy/")) outside.push(`${file} -> ${target}`);
            for (const m of text.matchAll(/(?:from|import|require\()\s*"([^".][^"]*)"/g)) {
                const name = m[1]!.startsWith("@") ? m[1]!.split("/").slice(0, 2).join("/") : m[1]!.split("/")[0]!;
                if (!declared.has(name) && !builtin.has(name)) outside.push(`${file} -> ${m[1]} (not in policy/package.json)`);
            }
        }
        assert.deepEqual(outside, []);
        assert.ok(tracked("policy/*.ts").some((f) => imports(f).includes(path.normalize("policy/kube"))), "the check sees the pack's own imports");
    });

    it("keeps no debugging leftovers among the scripts", () => {
        const scripts = tracked("scripts/*.ts").map((f) => path.basename(f));
        // The README and the docs it links (docs/commands.md lists every npm script).
        const docs = fs.readdirSync(path.join(PROJECT_DIR, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join(PROJECT_DIR, "docs", f));
        const documented = [path.join(PROJECT_DIR, "README.md"), ...docs].map((f) => fs.readFileSync(f, "utf8")).join("\n");
        assert.deepEqual(scripts.filter((s) => !documented.includes(`scripts/${s}`) && !documented.includes(s.replace(/\.ts$/, ""))), []);
    });
});
