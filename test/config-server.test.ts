/** Issue 16: cloud-config serving a folder of this repository, with no way out of the cluster. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { objectId } from "../offline/manifests";
import { canConnect, EXTERNAL, podsOf } from "./network-eval";
import { declare, find, ofKind, podTemplate, recorded, refusal, type Declared } from "./support";

const ROOT = path.resolve(__dirname, "..");
const envOf = (d: Declared, name: string) =>
    Object.fromEntries((podTemplate(find(d.objects, "Deployment", name))!.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));

function folderWith(files: Record<string, string>, subfolder?: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-server-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    if (subfolder) {
        fs.mkdirSync(path.join(dir, subfolder));
    }
    return dir;
}

describe("cloud-config serving this repository's config-server folder", () => {
    let git: Declared;
    let native: Declared;
    beforeEach(async () => {
        git = await declare({ stack: "prod" });
        native = await declare({ stack: "prod", config: { configServerFolder: "config-server" } });
    });

    it("serves every configuration file of the folder from a ConfigMap, with the native profile", () => {
        const data = find(native.objects, "ConfigMap", "cloud-config-files").data as Record<string, string>;
        const onDisk = fs.readdirSync(path.join(ROOT, "config-server")).filter((f) => /\.(ya?ml|properties|json)$/.test(f));
        assert.deepEqual(Object.keys(data).sort(), onDisk.sort());
        assert.equal(data["application.yml"], fs.readFileSync(path.join(ROOT, "config-server", "application.yml"), "utf8"));
        assert.ok(!("README.md" in data));
        const env = envOf(native, "cloud-config");
        assert.deepEqual(env.SPRING_PROFILES_ACTIVE!.split(","), ["native", envOf(git, "cloud-config").SPRING_PROFILES_ACTIVE]);
        const pod = podTemplate(find(native.objects, "Deployment", "cloud-config"))!;
        const mount = pod.spec.containers[0]!.volumeMounts!.find((m) => m.name === "files")! as { mountPath: string; readOnly?: boolean };
        assert.equal(env.SPRING_CLOUD_CONFIG_SERVER_NATIVE_SEARCH_LOCATIONS, `file:${mount.mountPath}/`);
        assert.equal(mount.readOnly, true, "the service reads the files; nothing in the pod may change what it serves");
        const labels = find(native.objects, "ConfigMap", "cloud-config-files").metadata.labels as Record<string, string>;
        assert.equal(labels["app.kubernetes.io/name"], "cloud-config-files");
        assert.equal(labels["app.kubernetes.io/instance"], "prod");
        assert.deepEqual(pod.spec.volumes!.find((v) => v.name === "files")!.configMap, { name: "cloud-config-files" });
    });

    it("changes cloud-config and nothing else", () => {
        const changed = native.objects
            .filter((o) => JSON.stringify(o) !== JSON.stringify(git.objects.find((g) => objectId(g) === objectId(o))))
            .map(objectId)
            .sort();
        assert.deepEqual(changed, ["ConfigMap/prod/cloud-config-files", "Deployment/prod/cloud-config", "NetworkPolicy/prod/allow-cloud-config"]);
    });

    it("lets cloud-config out of the cluster only when it clones Git", () => {
        const out = (d: Declared) => canConnect(d.objects, podsOf(d.objects).find((p) => p.name === "cloud-config")!, EXTERNAL, 443);
        assert.equal(out(git), true);
        assert.equal(out(native), false);
    });

    it("rolls cloud-config when a file changes", async () => {
        const a = await declare({ stack: "prod", config: { configServerFolder: folderWith({ "application.yml": "a: 1\n" }) } });
        const b = await declare({ stack: "prod", config: { configServerFolder: folderWith({ "application.yml": "a: 2\n" }) } });
        const annotations = (d: Declared) => podTemplate(find(d.objects, "Deployment", "cloud-config"))!.metadata.annotations!;
        assert.notEqual(annotations(a)["ecommerce.io/config-digest"], annotations(b)["ecommerce.io/config-digest"]);
        assert.deepEqual(podTemplate(find(a.objects, "Deployment", "order-service")), podTemplate(find(b.objects, "Deployment", "order-service")));
    });

    it("does the same on the local stack", async () => {
        const d = await declare({ stack: "local", config: { configServerFolder: "config-server" } });
        const container = recorded(d.resources, "docker:index/container:Container", "cloud-config")!;
        const uploads = (container.inputs.uploads as { file: string }[]).map((u) => u.file);
        assert.deepEqual(uploads, ["/config/application.yml"]);
        assert.ok((container.inputs.envs as string[]).includes("SPRING_CLOUD_CONFIG_SERVER_NATIVE_SEARCH_LOCATIONS=file:/config/"));
    });

    it("keeps Git by default", () => {
        assert.deepEqual(ofKind(git.objects, "ConfigMap").filter((c) => c.metadata.name === "cloud-config-files"), []);
        assert.equal(envOf(git, "cloud-config").SPRING_CLOUD_CONFIG_SERVER_NATIVE_SEARCH_LOCATIONS, undefined);
    });

    for (const [what, folder, expected] of [
        ["a folder that does not exist", () => "no-such-folder", /ecommerce:configServerFolder: "no-such-folder" is not a folder/],
        ["a folder with subfolders", () => folderWith({ "application.yml": "a: 1\n" }, "nested"), /holds folders \(nested\); a ConfigMap is flat/],
        ["a folder with no configuration file", () => folderWith({ "notes.txt": "x" }), /holds no configuration file/],
        ["a file name a ConfigMap cannot hold", () => folderWith({ "my app.yml": "a: 1\n" }), /file names may hold only letters, digits, '-', '_' and '\.': my app\.yml/],
        ["more than a ConfigMap holds", () => folderWith({ "big.yml": `a: "${"x".repeat(1024 * 1024)}"\n` }), /the files add up to \d+ KiB; a ConfigMap holds at most 900 KiB/],
    ] as const) {
        it(`refuses ${what}, naming the key`, async () => {
            assert.match((await refusal({ stack: "dev", config: { configServerFolder: folder() } })).message, expected);
        });
    }
});
