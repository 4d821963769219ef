/** docs/operations.md covers every procedure of the manual's sections 3 to 9. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const manual = fs.readFileSync(path.join(ROOT, "docs", "sources", "operations-manual.es.md"), "utf8");
const runbook = fs.readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");

describe("operations runbook", () => {
    const sections = [...manual.matchAll(/^### ([3-9]\.\d+) /gm)].map((m) => m[1]!);

    it("has a section for each of the manual's procedures in sections 3 to 9", () => {
        assert.ok(sections.length >= 18, `found ${sections.length}`);
        for (const number of sections) {
            assert.match(runbook, new RegExp(`^### ${number.replace(".", "\\.")} `, "m"), `no section ${number}`);
        }
    });

    it("names only commands and keys that exist", () => {
        const keys = [...runbook.matchAll(/pulumi config set (?:--path )?'?([A-Za-z.-]+)/g)].map((m) => m[1]!.split(".")[0]!);
        const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        for (const key of new Set(keys)) {
            assert.match(project, new RegExp(`^  ${key}:`, "m"), `Pulumi.yaml does not declare ${key}`);
        }
        const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const [, script] of runbook.matchAll(/npm run ([a-z:]+)/g)) {
            assert.ok(scripts[script!], `no npm script ${script}`);
        }
    });

    it("is linked from the README", () => {
        assert.match(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), /docs\/operations\.md/);
    });
});
