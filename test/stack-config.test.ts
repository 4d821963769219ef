/**
 * The offline loader gives the program what the real CLI gives it. Expected values are what
 * `pulumi` v3.248.0 handed a program for the same files (test/fixtures/cli-config.ts); the
 * end-to-end suite re-checks them against the CLI itself.
 */
import { strict as assert } from "assert";
import { stackConfig } from "../offline/stack-config";
import { projectWith } from "./support";
import { CLI_GAVE_TRICKY, CLI_TYPED_CASES, TRICKY_STACK } from "./fixtures/cli-config";

describe("stack config as the CLI hands it to the program", () => {
    it("reads values YAML readers disagree on as the CLI does", () => {
        const config = stackConfig("tricky", projectWith({ tricky: TRICKY_STACK }));
        for (const [key, expected] of Object.entries(CLI_GAVE_TRICKY)) {
            assert.equal(config[key], expected, key);
        }
    });

    it("gives an empty value as an empty string, never the text null (a Namespace named null)", () => {
        const config = stackConfig("e", projectWith({ e: "config:\n  ecommerce:namespace: e\n  ecommerce:ingressHost:\n" }));
        assert.equal(config["ecommerce:ingressHost"], "");
    });

    for (const [i, c] of CLI_TYPED_CASES.entries()) {
        it(`declared types: ${c.line}`, () => {
            const stack = `typed${i + 1}`;
            const dir = projectWith({ [stack]: `config:\n  ecommerce:namespace: t\n  ${c.line}\n` });
            if (c.error) {
                assert.throws(() => stackConfig(stack, dir), { message: c.error.replace("STACK", stack) });
            } else {
                const config = stackConfig(stack, dir);
                for (const [key, expected] of Object.entries(c.gave ?? {})) {
                    assert.equal(config[key], expected, key);
                }
            }
        });
    }

    it("refuses what the CLI cannot encode, naming the file and key", () => {
        const dir = projectWith({ inf: "config:\n  ecommerce:namespace: x\n  ecommerce:zInf: .inf\n" });
        assert.throws(() => stackConfig("inf", dir), /Pulumi\.inf\.yaml: ecommerce:zInf: json: unsupported value: \+Inf/);
    });

    it("names the file of a YAML syntax error", () => {
        const dir = projectWith({ broken: "config:\n  ecommerce:namespace: [x\n" });
        assert.throws(() => stackConfig("broken", dir), /Pulumi\.broken\.yaml: invalid YAML/);
    });

    it("refuses a stack without the required namespace as the CLI does", () => {
        const dir = projectWith({ bare: "config:\n  ecommerce:imageTag: 0.2.0\n" });
        assert.throws(() => stackConfig("bare", dir), { message: "Stack 'bare' is missing configuration value 'namespace'" });
    });
});
