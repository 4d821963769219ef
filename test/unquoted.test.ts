/** `imageTag: 1.10` without quotes: the stack file shows what the engine's value hides. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringKeys, unquotedNumbers } from "../stacks/unquoted";

const PROJECT_FILE = fs.readFileSync(path.resolve(__dirname, "..", "Pulumi.yaml"), "utf8");

describe("text keys written as plain YAML numbers", () => {
    const keys = stringKeys(PROJECT_FILE);

    it("knows Pulumi.yaml's text keys, and not its numbers", () => {
        assert.ok(keys.includes("imageTag") && keys.includes("namespace"), keys.join(", "));
        assert.ok(!keys.includes("secretsRotation"), "secretsRotation is a number");
    });

    it("refuses imageTag: 1.10, which the CLI hands over as \"1.1\", with the quoted form", () => {
        const problems = unquotedNumbers("config:\n  ecommerce:imageTag: 1.10\n", "ecommerce", keys, { imageTag: "1.1" });
        assert.deepEqual(problems, ['ecommerce:imageTag: 1.10 is written without quotes, so YAML reads a number and the stack gets "1.1"; quote it: imageTag: "1.10"']);
    });

    it("refuses an octal-looking tag the CLI reads as another number", () => {
        const problems = unquotedNumbers("config:\n  ecommerce:imageTag: 010\n", "ecommerce", keys, { imageTag: "8" });
        assert.equal(problems.length, 1);
        assert.match(problems[0]!, /ecommerce:imageTag: 010 is written without quotes.*"8".*imageTag: "010"/);
    });

    it("lets a number through whose text arrives unchanged, quoted values, non-text keys and other projects' keys", () => {
        const file = ["config:", "  ecommerce:imageTag: 2", '  ecommerce:namespace: "1.10"', "  ecommerce:secretsRotation: 1.10", "  other:imageTag: 1.10", ""].join("\n");
        assert.deepEqual(unquotedNumbers(file, "ecommerce", keys, { imageTag: "2", namespace: "1.10", secretsRotation: "1.1" }), []);
    });
});
