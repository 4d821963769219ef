/**
 * npm run test:e2e: the program run the way users run it, by the real `pulumi` CLI against
 * a real API server (E2E_KUBE_CONTEXT in KUBECONFIG), each scenario asserting on the objects
 * the API server holds, not only on the CLI's exit code. Stacks run with skipAwait: pods
 * need not be able to run (a local API server, a kind cluster without images).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { kubernetesObjects } from "../../offline/manifests";
import { runProgram } from "../../offline/run";
import { PROJECT_DIR, stackConfig, stackNames } from "../../offline/stack-config";
import { getObject, idOf, kubectl, liveObjects, waitUntilGone } from "../../e2e/cluster";
import { ConfigProbe, type ProbeResult } from "../../e2e/config-probe";
import { predictedChanges, protectedObjects } from "../../e2e/predict";
import { readiness, type E2eTarget } from "../../e2e/prerequisites";
import { changed, parsePreview } from "../../lib/preview-steps";
import { ok, Workspace, type CliResult } from "../../e2e/workspace";
import { MANUAL_SERVICES } from "../sources";
import { projectWith } from "../support";
import { CLI_GAVE_TRICKY, CLI_TYPED_CASES, TRICKY_STACK } from "../fixtures/cli-config";

let target: E2eTarget;

before(function () {
    const ready = readiness();
    if (!ready.ready) {
        console.log(`  end-to-end suite skipped: ${ready.skip}`);
        this.skip();
    }
    target = ready.target;
    console.log(`  end-to-end suite against context "${target.context}" of ${target.kubeconfig}`);
});


const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

/** Every object `npm run render` writes for the stack, as `Kind/namespace/name`. */
async function rendered(stack: string, config: Record<string, unknown>): Promise<{ ids: string[]; kinds: string[]; namespaces: string[] }> {
    const objects = kubernetesObjects((await runProgram({ stack, config })).resources);
    const ids = objects.map((o) => idOf({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
    const namespaces = objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
    return { ids: ids.sort(), kinds: [...new Set(objects.map((o) => o.kind))], namespaces };
}

async function assertAllExist(stack: string, config: Record<string, unknown>): Promise<void> {
    const expected = await rendered(stack, config);
    const live = new Set(liveObjects(target, expected.namespaces, expected.kinds).map(idOf));
    assert.deepEqual(
        expected.ids.filter((id) => !live.has(id)),
        [],
        "objects render writes that the API server does not hold",
    );
    assert.ok(expected.ids.length > 50, `only ${expected.ids.length} objects rendered`);
}

describe("config: the offline loader gives the program what the CLI gives it", function () {
    let probe: ConfigProbe;
    before(() => (probe = ConfigProbe.create(target)));
    after(() => probe?.dispose());

    const compare = (stack: string, text: string, cli: ProbeResult) => {
        const dir = projectWith({ [stack]: text });
        if ("error" in cli) {
            assert.throws(() => stackConfig(stack, dir), (e: Error) => e.message.includes(cli.error) || cli.error.includes(e.message), `CLI: ${cli.error}`);
        } else {
            assert.deepEqual(stackConfig(stack, dir), cli.config);
        }
    };

    for (const stack of stackNames()) {
        it(`Pulumi.${stack}.yaml`, async () => {
            const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
            compare(stack, text, await probe.run(stack, text));
        });
    }

    it("the tricky values, as recorded in test/fixtures/cli-config.ts", async () => {
        const cli = await probe.run("tricky", TRICKY_STACK);
        compare("tricky", TRICKY_STACK, cli);
        assert.ok("config" in cli);
        for (const [key, value] of Object.entries(CLI_GAVE_TRICKY)) {
            assert.equal(cli.config[key], value, `the CLI no longer gives ${key} as recorded`);
        }
    });

    it("declared types, as recorded", async () => {
        for (const [i, c] of CLI_TYPED_CASES.entries()) {
            const stack = `typed${i + 1}`;
            const text = `config:\n  ecommerce:namespace: t\n  ${c.line}\n`;
            const cli = await probe.run(stack, text);
            compare(stack, text, cli);
            if (c.error) {
                assert.ok("error" in cli && cli.error.includes(c.error.replace("STACK", stack)), `${c.line}: ${JSON.stringify(cli)}`);
            }
        }
    });
});

/** Scenarios shared by the dev and prod stacks. */
function deployedStack(stack: "dev" | "prod", breaking: { change: (ws: Workspace) => Record<string, unknown>; rule: string }) {
    let ws: Workspace;
    let base: Record<string, unknown>;
    const policy = ["--policy-pack", "policy", "--policy-pack-config", `policy/${stack}.json`];

    before(async () => {
        ws = Workspace.create(target);
        base = { skipAwait: true, kubeContext: target.context };
        await ws.initStack(stack, base);
    });
    after(function () {
        if (this.currentTest?.state === "failed" || process.env.E2E_KEEP) {
            console.log(`  kept ${ws.root} (cli.log has every command and its output)`);
        } else {
            ws?.dispose();
        }
    });

    it("previews from empty with its policy pack", async () => {
        const preview = ok(await ws.pulumi(["preview", "-s", stack, ...policy]), "preview from empty");
        assert.doesNotMatch(output(preview), /mandatory/i);
    });

    it("comes up from empty, and every object render writes is in the API server", async () => {
        ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"]), "up from empty");
        await assertAllExist(stack, base);
    });

    it("a second preview shows no changes", async () => {
        ok(await ws.pulumi(["preview", "-s", stack, "--expect-no-changes"]), "preview --expect-no-changes");
    });

    it("passes its policy pack as a preview of the deployed stack", async () => {
        const preview = ok(await ws.pulumi(["preview", "-s", stack, ...policy]), "policy preview of the deployed stack");
        assert.doesNotMatch(output(preview), /mandatory/i);
    });

    it("fails the policy pack, naming the rule, for a change that breaks a mandatory rule", async () => {
        const saved = ws.stackFile(stack);
        ws.setConfig(stack, breaking.change(ws));
        const preview = await ws.pulumi(["preview", "-s", stack, ...policy]);
        ws.restoreStackFile(stack, saved);
        assert.notEqual(preview.code, 0, "the preview passed");
        assert.match(output(preview), new RegExp(`${breaking.rule}[\\s\\S]*mandatory|mandatory[\\s\\S]*${breaking.rule}`));
    });

    return { ws: () => ws, base: () => base };
}

/** Applies a config change, checks the preview touches exactly what the offline model says, and deploys it. */
async function change(ws: Workspace, stack: string, base: Record<string, unknown>, delta: Record<string, unknown>): Promise<string[]> {
    ws.setConfig(stack, delta);
    const preview = parsePreview(ok(await ws.pulumi(["preview", "-s", stack, "--json"]), "preview --json").stdout);
    const real = changed(preview, (type) => type.startsWith("kubernetes:") || type.startsWith("random:"));
    const predicted = await predictedChanges(stack, base, delta);
    assert.deepEqual(real, predicted, "the engine's preview and the offline model disagree on what the change touches");
    ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"]), "up");
    Object.assign(base, delta);
    return real;
}

describe("dev: the whole system on a real API server", function () {
    const dev = deployedStack("dev", {
        // dev.json makes container-resources mandatory: a 2-CPU limit breaks its 1000m ceiling.
        change: (ws) => ({ resources: { ...ws.configValue("dev", "resources"), limits: { cpu: "2000m", memory: "768Mi" } } }),
        rule: "container-resources",
    });

    it("scales by config: a new maxReplicas updates exactly that HPA, and kubectl shows it", async () => {
        const touched = await change(dev.ws(), "dev", dev.base(), { services: { "order-service": { autoscaling: { maxReplicas: 2 } } } });
        assert.deepEqual(touched, ["HorizontalPodAutoscaler/order-service"]);
        const hpa = getObject(target, "hpa", "dev", "order-service") as { spec: { maxReplicas: number } };
        assert.equal(hpa.spec.maxReplicas, 2);
    });

    it("restartedAt rolls every service's Deployment and nothing else", async () => {
        const touched = await change(dev.ws(), "dev", dev.base(), { restartedAt: "2026-11-25T10:00:00Z" });
        assert.equal(touched.length, 10);
        assert.ok(touched.every((t) => t.startsWith("Deployment/")), touched.join(", "));
        const d = getObject(target, "deployment", "dev", "order-service") as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
        assert.equal(d.spec.template.metadata.annotations["ecommerce.io/restartedAt"], "2026-11-25T10:00:00Z");
    });

    it("a new imageTag runs the pre-upgrade backup Job before any Deployment changes", async () => {
        const jobs = () => kubectl(target, ["get", "jobs", "-n", "dev", "-o", "name"]).split("\n").filter((j) => j.includes("postgres-pre-upgrade-"));
        const [before] = jobs();
        assert.ok(before, "a pre-upgrade backup Job from the first up");
        ok(await dev.ws().pulumi(["config", "set", "imageTag", "0.1.1", "-s", "dev"]), "config set imageTag");
        const preview = parsePreview(ok(await dev.ws().pulumi(["preview", "--json", "-s", "dev"]), "preview --json").stdout);
        const steps = (preview.steps ?? []).filter((st) => st.op !== "same");
        const backup = steps.findIndex((st) => st.urn.endsWith("Job::postgres-backup-pre-upgrade"));
        const deployments = steps.map((st, i) => [st, i] as const).filter(([st]) => /apps\/v1:Deployment::/.test(st.urn) && !/ToolWorkload/.test(st.urn));
        assert.ok(backup >= 0, "the backup Job is in the preview");
        assert.equal(deployments.length, 10, deployments.map(([st]) => st.urn).join("\n"));
        assert.ok(deployments.every(([, i]) => i > backup), "a Deployment changes before the backup");
        ok(await dev.ws().pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up with the new tag");
        const after = jobs();
        assert.equal(after.length, 1, after.join(", "));
        assert.notEqual(after[0], before);
        const job = getObject(target, "job", "dev", after[0]!.replace("job.batch/", "")) as { metadata: { annotations: Record<string, string> } };
        assert.match(job.metadata.annotations["ecommerce.io/precedes-images"]!, /order-service=\S+:0\.1\.1/);
        ok(await dev.ws().pulumi(["config", "set", "imageTag", "0.1.0", "-s", "dev"]), "config set imageTag back");
        ok(await dev.ws().pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up with the old tag");
    });

    it("secretsRotation regenerates the passwords and rolls the pods that read them", async () => {
        const before = getObject(target, "secret", "dev", "postgres-credentials") as { data: Record<string, string> };
        const touched = await change(dev.ws(), "dev", dev.base(), { secretsRotation: 1 });
        assert.ok(touched.includes("Secret/postgres-credentials") && touched.includes("StatefulSet/postgres"), touched.join(", "));
        const after = getObject(target, "secret", "dev", "postgres-credentials") as { data: Record<string, string> };
        assert.notDeepEqual(after.data, before.data);
    });

    it("alertReceivers: a --secret credential reaches Alertmanager's Secret and no plain text; a plain one is refused", async () => {
        const ws = dev.ws();
        const saved = ws.stackFile("dev");
        const key = "alertReceivers.L2.pagerduty[0].routingKey";
        const silent = /Alertmanager: (\S+(?:, \S+)*) ha(?:s|ve) no receiver/;
        assert.equal(silent.exec(output(ok(await ws.pulumi(["preview", "-s", "dev"]), "preview")))?.[1], "L1-devops, L2-sre, L3-development");

        ok(await ws.pulumi(["config", "set", "--path", key, "plain-text-key", "-s", "dev"]), "config set");
        const refused = await ws.pulumi(["preview", "-s", "dev"]);
        assert.notEqual(refused.code, 0, "a plain-text credential was accepted");
        assert.match(output(refused), /ecommerce:alertReceivers\.L2\.pagerduty\[0\]\.routingKey: is a credential and must be a Pulumi secret/);
        ws.restoreStackFile("dev", saved);

        const credential = `e2e${Date.now().toString(16)}routingkey`;
        ok(await ws.pulumi(["config", "set", "--secret", "--path", key, credential, "-s", "dev"]), "config set --secret");
        assert.ok(!ws.stackFile("dev").includes(credential), "the stack file holds the credential in plain text");
        const preview = ok(await ws.pulumi(["preview", "-s", "dev", "--diff"]), "preview --diff");
        assert.equal(silent.exec(output(preview))?.[1], "L1-devops, L3-development");
        const up = ok(await ws.pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up with a receiver");
        const state = ok(await ws.pulumi(["stack", "export", "-s", "dev"]), "stack export");
        for (const [what, text] of [["preview", output(preview)], ["up", output(up)], ["state", state.stdout]]) {
            assert.ok(!text!.includes(credential), `the credential is in plain text in the ${what}`);
        }
        const live = getObject(target, "secret", "dev", "alertmanager-config") as { data: Record<string, string> };
        assert.match(Buffer.from(live.data["alertmanager.yml"]!, "base64").toString(), new RegExp(`routing_key: ${credential}`));

        ws.restoreStackFile("dev", saved);
        ok(await ws.pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up without receivers");
    });

    it("postgres.backup.offsite: --secret credentials reach only their Secret, and the backup and restore pods pass restricted admission", async () => {
        const ws = dev.ws();
        const saved = ws.stackFile("dev");
        const secretKey = `e2e${Date.now().toString(16)}secretaccesskey`;
        const set = (key: string, value: string, secret = false) =>
            ws.pulumi(["config", "set", ...(secret ? ["--secret"] : []), "--path", `postgres.backup.offsite.${key}`, value, "-s", "dev"]);
        ok(await set("endpoint", "https://s3.eu-west-1.amazonaws.com"), "config set endpoint");
        ok(await set("bucket", "acme-ecommerce-backups"), "config set bucket");
        ok(await set("accessKeyId", "AKIAIOSFODNN7EXAMPLE"), "config set accessKeyId");
        ok(await set("secretAccessKey", secretKey, true), "config set --secret secretAccessKey");
        assert.ok(!ws.stackFile("dev").includes(secretKey), "the stack file holds the key in plain text");
        const up = ok(await ws.pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up with off-site backups");
        const state = ok(await ws.pulumi(["stack", "export", "-s", "dev"]), "stack export");
        for (const [what, text] of [["up", output(up)], ["state", state.stdout]]) {
            assert.ok(!text!.includes(secretKey), `the key is in plain text in the ${what}`);
        }
        const live = getObject(target, "secret", "dev", "postgres-offsite") as { data: Record<string, string> };
        assert.equal(Buffer.from(live.data["secret-access-key"]!, "base64").toString(), secretKey);
        // The rest of postgres (a secret key now, as a whole) still reads as the stack file says.
        const claim = getObject(target, "pvc", "dev", "postgres-backups") as { spec: { resources: { requests: { storage: string } } } };
        assert.equal(claim.spec.resources.requests.storage, "5Gi");

        // A backup run by hand: the Job controller creates its pod, which Pod Security admission
        // checks against restricted (init container and the rclone container included).
        const admitted = async (job: string) => {
            for (let i = 0; i < 60; i++) {
                if (kubectl(target, ["get", "pods", "-n", "dev", "-l", `job-name=${job}`, "-o", "name"]).trim()) return true;
                await new Promise((r) => setTimeout(r, 1000));
            }
            return false;
        };
        kubectl(target, ["create", "job", "--from=cronjob/postgres-backup", "offsite-e2e", "-n", "dev"]);
        try {
            assert.ok(await admitted("offsite-e2e"), kubectl(target, ["get", "events", "-n", "dev", "--field-selector", "involvedObject.name=offsite-e2e"]));
        } finally {
            kubectl(target, ["delete", "job", "offsite-e2e", "-n", "dev", "--wait=false"]);
        }
        // A restore from the bucket: its Job's pod (fetch init container, then restore.sh) is admitted too.
        const postgres = ws.configValue("dev", "postgres") as Record<string, unknown>;
        ws.setConfig("dev", { postgres: { ...postgres, restoreFrom: "offsite:full_backup_20260101T020000Z.sql.gz" } });
        ok(await ws.pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up with a restore from the bucket");
        assert.ok(await admitted("postgres-restore"), kubectl(target, ["get", "events", "-n", "dev", "--field-selector", "involvedObject.name=postgres-restore"]));

        ws.restoreStackFile("dev", saved);
        ok(await ws.pulumi(["up", "-s", "dev", "--yes", "--skip-preview"]), "up without off-site backups");
        assert.equal(getObject(target, "secret", "dev", "postgres-offsite"), undefined);
    });

    it("scaleToZero stops every service and removes the autoscalers; false brings them back", async () => {
        await change(dev.ws(), "dev", dev.base(), { scaleToZero: true });
        const replicas = (name: string) => (getObject(target, "deployment", "dev", name) as { spec: { replicas: number } }).spec.replicas;
        assert.deepEqual(MANUAL_SERVICES.filter((s) => replicas(s.name) !== 0).map((s) => s.name), []);
        assert.equal(getObject(target, "hpa", "dev", "order-service"), undefined);
        await change(dev.ws(), "dev", dev.base(), { scaleToZero: false });
        assert.ok(getObject(target, "hpa", "dev", "order-service"));
    });

    it("postgres.restoreFrom runs the restore Job; unsetting it removes the Job", async () => {
        const postgres = dev.ws().configValue("dev", "postgres");
        const touched = await change(dev.ws(), "dev", dev.base(), { postgres: { ...postgres, restoreFrom: "full_backup_20260101T020000Z.sql.gz" } });
        assert.ok(touched.includes("Job/postgres-restore"), touched.join(", "));
        assert.ok(getObject(target, "job", "dev", "postgres-restore"));
        await change(dev.ws(), "dev", dev.base(), { postgres });
        assert.equal(getObject(target, "job", "dev", "postgres-restore"), undefined);
    });

    it("drift: npm run drift finds nothing on the deployed stack, then names a hand edit", async () => {
        const ws = dev.ws();
        const drift = async (label: string) => {
            const preview = ok(await ws.pulumi(["preview", "--refresh", "--json", "-s", "dev"]), `preview --refresh (${label})`);
            const file = path.join(ws.root, `drift-${label}.json`);
            fs.writeFileSync(file, preview.stdout);
            return ws.run("npx", ["ts-node", "--transpile-only", "scripts/drift.ts", "--preview", file]);
        };
        const clean = await drift("clean");
        assert.equal(clean.code, 0, `drift on an untouched stack:\n${output(clean)}`);

        kubectl(target, ["scale", "deployment/service-discovery", "-n", "dev", "--replicas=3"]);
        kubectl(target, ["patch", "configmap/prometheus-config", "-n", "dev", "--type=merge", "-p", JSON.stringify({ data: { "alerts.yml": "groups: []\n" } })]);
        // A label the program does not declare is not drift: server-side apply leaves it to its owner.
        kubectl(target, ["label", "configmap/prometheus-config", "-n", "dev", "edited-by=hand", "--overwrite"]);
        const edited = await drift("edited");
        assert.equal(edited.code, 1, output(edited));
        assert.match(edited.stdout, /- Deployment\/service-discovery: update \([^)]*replicas/);
        // The provider replaces a ConfigMap whose data changed.
        assert.match(edited.stdout, /- ConfigMap\/prometheus-config: (update|replace) \(data\["alerts\.yml"\]\)/);
        assert.equal(edited.stdout.split("\n").filter((l) => l.startsWith("- ")).length, 2, edited.stdout);

        ok(await ws.pulumi(["up", "--refresh", "-s", "dev", "--yes", "--skip-preview"]), "up --refresh puts them back");
        assert.equal((getObject(target, "deployment", "dev", "service-discovery") as { spec: { replicas: number } }).spec.replicas, 1);
        const alerts = (getObject(target, "configmap", "dev", "prometheus-config") as { data: Record<string, string> }).data["alerts.yml"]!;
        assert.match(alerts, /ServiceDown/);
        assert.equal((await drift("restored")).code, 0);
    });

    it("destroy leaves no object of the stack in the API server", async () => {
        const { namespaces } = await rendered("dev", dev.base());
        ok(await dev.ws().pulumi(["destroy", "-s", "dev", "--yes", "--skip-preview"]), "destroy");
        await waitUntilGone(target, namespaces, 120);
    });
});

describe("prod: the whole system on a real API server", function () {
    const prod = deployedStack("prod", {
        // prod.json: an HPA below two replicas breaks hpa-for-scalable-services.
        change: () => ({ autoscaling: { minReplicas: 1 } }),
        rule: "hpa-for-scalable-services",
    });

    for (const [what, delta, resource] of [
        ["moving prod to another namespace", { namespace: "prod-moved" }, "Namespace::prod"],
        ["a storage class that would replace PostgreSQL's StatefulSet", { postgres: { storageClass: "another-class" } }, "StatefulSet::postgres"],
        ["a storage class that would replace the backup volume", { postgres: { backup: { storageClass: "another-class" } } }, "PersistentVolumeClaim::postgres-backup-volume"],
    ] as const) {
        it(`refuses at preview ${what}, naming the protected resource`, async () => {
            const ws = prod.ws();
            const saved = ws.stackFile("prod");
            const current = ws.configValue("prod", "postgres");
            ws.setConfig("prod", "postgres" in delta ? { postgres: { ...current, ...delta.postgres } } : delta);
            const preview = await ws.pulumi(["preview", "-s", "prod"]);
            ws.restoreStackFile("prod", saved);
            assert.notEqual(preview.code, 0, `the preview accepted ${what}`);
            assert.match(output(preview), new RegExp(`${resource.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*protect`), output(preview).slice(-3000));
        });
    }

    it("destroy stops on the protected objects and deletes nothing of the data", async () => {
        const guarded = await protectedObjects("prod", prod.base());
        assert.ok(guarded.some((g) => g.kind === "Namespace") && guarded.some((g) => g.kind === "StatefulSet"), JSON.stringify(guarded));
        const claims = () => kubectl(target, ["get", "pvc", "-n", "prod", "-o", "name"]).trim().split("\n").filter(Boolean).sort();
        const claimsBefore = claims();
        const destroy = await prod.ws().pulumi(["destroy", "-s", "prod", "--yes", "--skip-preview"]);
        assert.notEqual(destroy.code, 0, "destroy of prod succeeded");
        assert.match(output(destroy), /protect/i);
        for (const g of guarded) {
            assert.ok(getObject(target, g.kind, g.namespace, g.name), `${idOf(g)} was deleted`);
        }
        assert.deepEqual(claims(), claimsBefore, "volume claims changed");
        // Leave the API server as found: what a user does to really remove prod.
        ok(await prod.ws().pulumi(["state", "unprotect", "--all", "-s", "prod", "--yes"]), "state unprotect");
        ok(await prod.ws().pulumi(["destroy", "-s", "prod", "--yes", "--skip-preview"]), "destroy after unprotect");
    });
});
