/** `npm run render`: the command a reviewer reads and an operator can `kubectl apply -f` (manual 9.1). */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { kubernetesObjects, objectId, redactSecretData, REDACTED, withoutSecrets, type KubeObject } from "../offline/manifests";
import { runProgram } from "../offline/run";

const ROOT = path.resolve(__dirname, "..");

function renderCli(...args: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/render.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
    });
}

describe("render command", () => {
    let out: string;
    beforeEach(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
    });
    afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

    it("writes every object the stack declares as YAML, namespace first, and nothing else", async () => {
        fs.writeFileSync(path.join(out, "notes.txt"), "an operator's own file");
        const result = renderCli("--stack", "prod", "--out", out);
        assert.equal(result.status, 0, result.stderr);
        const read = (dir: string) =>
            fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => parse(fs.readFileSync(path.join(dir, f), "utf8")) as KubeObject);
        const applied = read(out);
        const secrets = read(path.join(out, "secrets"));
        const declared = kubernetesObjects((await runProgram({ stack: "prod" })).resources);
        assert.deepEqual([...applied, ...secrets].map(objectId).sort(), declared.map(objectId).sort());
        assert.equal(applied[0]!.kind, "Namespace");
        // Secrets stay out of what `kubectl apply -f <dir>` applies, and carry keys without values.
        assert.ok(secrets.length > 0 && secrets.every((o) => o.kind === "Secret"));
        assert.ok(!applied.some((o) => o.kind === "Secret"));
        for (const secret of secrets) {
            const values = Object.values(secret.stringData as Record<string, string>);
            assert.ok(values.length > 0 && values.every((v) => v === REDACTED), objectId(secret));
        }
        assert.ok(fs.existsSync(path.join(out, "notes.txt")), "render must not delete files it did not write");
    });

    it("writes the scripts in ConfigMaps line for line, as literal blocks, for hand edits on the recovery path", async () => {
        const result = renderCli("--stack", "prod", "--out", out);
        assert.equal(result.status, 0, result.stderr);
        const file = fs.readdirSync(out).find((f) => f.endsWith("-configmap-postgres-scripts.yaml"))!;
        const text = fs.readFileSync(path.join(out, file), "utf8");
        const script = fs.readFileSync(path.join(ROOT, "scripts", "postgres", "backup.sh"), "utf8");
        assert.match(text, /^ {2}backup\.sh: \|/m);
        // Every line of the script appears whole, indented, in the file: nothing folded.
        for (const line of script.split("\n").filter((l) => l.trim() !== "")) {
            assert.ok(text.includes(`    ${line}\n`), `not verbatim: ${line}`);
        }
        assert.equal((parse(text) as { data: Record<string, string> }).data["backup.sh"], script);
    });

    it("exits non-zero with the config error, writing nothing", () => {
        const result = renderCli("--stack", "prod", "--out", out, "--set", "imageTag=latest");
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /ecommerce:imageTag: must not be "latest"/);
        assert.deepEqual(fs.readdirSync(out), []);
    });

    it("applies --set overrides, as a user would to render another tag", () => {
        const result = renderCli("--stack", "dev", "--out", out, "--set", "imageTag=0.2.0");
        assert.equal(result.status, 0, result.stderr);
        const gateway = fs.readdirSync(out).find((f) => f.endsWith("-deployment-api-gateway.yaml"))!;
        assert.match(fs.readFileSync(path.join(out, gateway), "utf8"), /api-gateway-ecommerce-boot:0\.2\.0/);
    });

    it("rejects an unknown stack, listing the stacks there are", () => {
        const result = renderCli("--stack", "staging", "--out", out);
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /--stack is required, one of: dev, local, node, prod/);
    });
});

describe("secret redaction", () => {
    const marked = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

    it("keeps a Secret's keys and withholds its values", () => {
        const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: "hunter2", user: "app" } };
        const redacted = redactSecretData(secret);
        assert.deepEqual(Object.keys(redacted.stringData as object), ["password", "user"]);
        assert.ok(!JSON.stringify(redacted).includes("hunter2"));
    });

    it("withholds values Pulumi marks secret anywhere in an object", () => {
        const object = { spec: { env: [{ name: "TOKEN", value: marked("s3cr3t") }] } };
        const cleaned = withoutSecrets(object) as { spec: { env: { value: string }[] } };
        assert.equal(cleaned.spec.env[0]!.value, REDACTED);
        assert.ok(!JSON.stringify(cleaned).includes("s3cr3t"));
    });
});
