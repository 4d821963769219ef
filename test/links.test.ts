/** Every link in the README and docs/ resolves: the file exists, and an anchor names a heading in it. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");
}

function prose(file: string): string {
    // Links inside fenced code are not links.
    return fs.readFileSync(file, "utf8").replace(/^```[\s\S]*?^```/gm, "");
}

function anchors(file: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const m of prose(file).matchAll(/^#{1,6} (.+)$/gm)) {
        const base = slug(m[1]!);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        result.add(n === 0 ? base : `${base}-${n}`);
    }
    return result;
}

const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f))];

describe("links in the README and docs/", () => {
    it("computes GitHub's anchors", () => {
        assert.equal(slug("System tests: the manual's procedures on live pods"), "system-tests-the-manuals-procedures-on-live-pods");
        assert.equal(slug("Testing beyond `npm test`"), "testing-beyond-npm-test");
    });

    for (const doc of DOCS) {
        it(`${doc}: every relative link and anchor resolves`, () => {
            const file = path.join(ROOT, doc);
            const broken: string[] = [];
            for (const m of prose(file).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
                const target = m[1]!;
                if (/^[a-z]+:/.test(target)) continue;
                const [where, anchor] = target.split("#") as [string, string | undefined];
                const linked = where === "" ? file : path.resolve(path.dirname(file), where);
                if (!fs.existsSync(linked)) {
                    broken.push(`${target}: no such file`);
                } else if (anchor && linked.endsWith(".md") && !anchors(linked).has(anchor)) {
                    broken.push(`${target}: no such heading`);
                }
            }
            assert.deepEqual(broken, []);
        });
    }
});
