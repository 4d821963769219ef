/**
 * Stacks already deployed keep their objects across releases: every URN a deployed stack's
 * state holds (test/fixtures/deployed-urns.json, recorded from real deployments) must still
 * name a resource, as its URN or one of its aliases; otherwise `pulumi up` deletes the
 * object and creates another (a new PostgreSQL volume, a dropped Service).
 * And component children are named from their component, so a second instance of a
 * component never collides with the first.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { declare } from "./support";

const DEPLOYED = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "deployed-urns.json"), "utf8")) as Record<string, string[] | string>;
const nameOf = (urn: string) => urn.split("::").pop()!;

for (const stack of ["dev", "prod", "local"]) {
    describe(`resource identity of the ${stack} stack`, () => {
        it("answers to every URN a stack deployed by an earlier release holds, once", async () => {
            const { resources } = await declare({ stack });
            const answering = (urn: string) => resources.filter((r) => r.urn === urn || r.aliasUrns.includes(urn)).map((r) => r.urn);
            const deployed = DEPLOYED[stack] as string[];
            assert.ok(deployed.length > 50, "the fixture holds the stack");
            assert.deepEqual(
                deployed.filter((urn) => answering(urn).length !== 1).map((urn) => `${urn} -> ${JSON.stringify(answering(urn))}`),
                [],
            );
        });

        it("names each component's children from the component's name", async () => {
            const { resources } = await declare({ stack });
            const components = new Set(resources.filter((r) => r.type.startsWith("ecommerce:")).map((r) => r.urn));
            const misnamed = resources
                .filter((r) => components.has(r.parent))
                .filter((r) => {
                    const owner = nameOf(r.parent);
                    return r.name !== owner && !r.name.startsWith(`${owner}-`);
                })
                .map((r) => `${nameOf(r.parent)} > ${r.type} ${r.name}`);
            assert.deepEqual(misnamed, []);
        });
    });
}
