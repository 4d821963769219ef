/**
 * The parts every component builds on, one at a time: the version label, the digests that
 * roll pods, the await annotations, and the start-up gates' scripts run by a real shell with
 * their probes (wget, nc) and sleep stood in for.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { serviceSpec } from "../catalog";
import { standardLabels, versionOf } from "../components/shared/labels";
import { awaitAnnotations, serviceGate, tcpGate, waitFor } from "../components/shared/pod";
import { springEnvironment, TUNABLE_VARIABLES } from "../components/shared/spring-env";
import { keyedSecretDigest, secretDigest, shortDigest } from "../components/shared/secret-digest";

const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));
const HEX16 = /^[0-9a-f]{16}$/;

describe("shared parts", () => {
    it("label a workload with its image's tag when the tag is a valid label value, and not otherwise", () => {
        assert.equal(versionOf("docker.io/selimhorri/order-service-ecommerce-boot:0.1.0"), "0.1.0");
        assert.equal(versionOf("registry.example.com/shop/order:v1_2-rc.3"), "v1_2-rc.3");
        assert.equal(versionOf(`registry.example.com/shop/order:${"a".repeat(63)}`), "a".repeat(63));
        // Tags may be longer, start with '_' or end with '.' or '-'; label values may not.
        assert.equal(versionOf(`registry.example.com/shop/order:${"a".repeat(64)}`), undefined);
        assert.equal(versionOf("registry.example.com/shop/order:_1"), undefined);
        assert.equal(versionOf("registry.example.com/shop/order:1."), undefined);
        assert.equal(versionOf(`registry.example.com/shop/order@sha256:${"0".repeat(64)}`), undefined);
        assert.equal(standardLabels({ name: "x", component: "c", instance: "dev", version: "1.0" })["app.kubernetes.io/version"], "1.0");
        assert.ok(!("app.kubernetes.io/version" in standardLabels({ name: "x", component: "c", instance: "dev" })));
    });

    it("digest text for a pod template: short, stable, and changed by any part or where the parts split", () => {
        const d = shortDigest(["a", "bc"]);
        assert.match(d, HEX16);
        assert.equal(shortDigest(["a", "bc"]), d);
        assert.notEqual(shortDigest(["ab", "c"]), d);
        assert.notEqual(shortDigest(["a", "bd"]), d);
        assert.notEqual(shortDigest(["a", "bc", ""]), d);
    });

    it("digest secrets the same way, and chosen secrets with a key so the digest cannot be checked against guesses", async () => {
        const plain = await valueOf(secretDigest([pulumi.secret("p1"), "p2"]));
        assert.equal(plain, shortDigest(["p1", "p2"]));
        assert.equal(await pulumi.isSecret(secretDigest([pulumi.secret("p1")])), false, "a digest of generated passwords is not itself a secret");
        const keyed = await valueOf(keyedSecretDigest("key-1", ["hunter2"]));
        assert.match(keyed, HEX16);
        assert.equal(await valueOf(keyedSecretDigest("key-1", ["hunter2"])), keyed);
        assert.notEqual(await valueOf(keyedSecretDigest("key-2", ["hunter2"])), keyed, "the key changes it");
        assert.notEqual(await valueOf(keyedSecretDigest("key-1", ["hunter3"])), keyed, "the value changes it");
        assert.notEqual(keyed, shortDigest(["hunter2"]), "without the key it cannot be recomputed");
    });

    it("tell pulumi up how long to wait, or not to wait", () => {
        assert.deepEqual(awaitAnnotations(false), {});
        assert.deepEqual(awaitAnnotations(true), { "pulumi.com/skipAwait": "true" });
        assert.deepEqual(awaitAnnotations(false, 600), { "pulumi.com/timeoutSeconds": "600" });
    });

    describe("start-up gates", () => {
        /** Runs a gate's init container script with `probe` failing `failures` times, then succeeding. */
        function runGate(script: string, probe: "wget" | "nc", failures: number): { status: number | null; stdout: string; calls: string[] } {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
            try {
                const calls = path.join(dir, "calls");
                fs.writeFileSync(
                    path.join(dir, probe),
                    `#!/bin/sh\necho "$*" >> "${calls}"\n[ "$(wc -l < "${calls}")" -gt ${failures} ]\n`,
                    { mode: 0o755 },
                );
                fs.writeFileSync(path.join(dir, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
                const result = spawnSync("sh", ["-c", script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8", timeout: 10_000 });
                return { status: result.status, stdout: result.stdout, calls: fs.readFileSync(calls, "utf8").trim().split("\n") };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }

        it("poll a service's readiness endpoint until it answers, saying what they wait for", () => {
            const [container] = waitFor([serviceGate("cloud-config")], "busybox");
            assert.equal(container!.name, "wait-for-cloud-config");
            assert.deepEqual((container!.command as string[]).slice(0, 2), ["sh", "-c"]);
            const r = runGate((container!.command as string[])[2]!, "wget", 2);
            assert.equal(r.status, 0);
            assert.equal(r.calls.length, 3);
            assert.ok(r.calls.every((c) => c === "-q -T 3 -O /dev/null http://cloud-config:8888/actuator/health/readiness"), r.calls.join("\n"));
            assert.equal(r.stdout.trim().split("\n").length, 2);
            assert.match(r.stdout, /^waiting for cloud-config \(http:\/\/cloud-config:8888\/actuator\/health\/readiness\)$/m);
        });

        it("poll a TCP port until it accepts connections", () => {
            const [container] = waitFor([tcpGate("postgres", "postgres", 5432)], "busybox");
            const r = runGate((container!.command as string[])[2]!, "nc", 1);
            assert.equal(r.status, 0);
            assert.deepEqual(r.calls, ["-z -w 3 postgres 5432", "-z -w 3 postgres 5432"]);
            assert.match(r.stdout, /^waiting for postgres \(postgres:5432\)$/m);
        });
    });

    describe("the Spring environment", () => {
        const platform = { springProfile: "dev", javaToolOptions: "-Xmx512m", sampleProbability: 0.5 };
        const cloudConfig = serviceSpec("cloud-config");
        const order = serviceSpec("order-service");

        it("has every service but the config server import its configuration from the config server's Service", () => {
            const env = springEnvironment(order, platform);
            assert.equal(env.SPRING_CONFIG_IMPORT, `optional:configserver:http://${cloudConfig.name}:${cloudConfig.port}`);
            assert.equal(springEnvironment(cloudConfig, platform).SPRING_CONFIG_IMPORT, undefined, "the config server does not ask itself");
            assert.equal(springEnvironment(serviceSpec("service-discovery"), platform).SPRING_CONFIG_IMPORT, undefined, "Eureka has no config client");
        });

        it("serves the config server's files from a folder with the native profile first, and from Git otherwise", () => {
            const native = springEnvironment(cloudConfig, { ...platform, nativeConfigDir: "/config" });
            assert.equal(native.SPRING_PROFILES_ACTIVE, "native,dev");
            // A search location that is a folder ends with '/' (Spring's native repository).
            assert.equal(native.SPRING_CLOUD_CONFIG_SERVER_NATIVE_SEARCH_LOCATIONS, "file:/config/");
            const git = springEnvironment(cloudConfig, platform);
            assert.equal(git.SPRING_PROFILES_ACTIVE, "dev");
            assert.equal(git.SPRING_CLOUD_CONFIG_SERVER_NATIVE_SEARCH_LOCATIONS, undefined);
            assert.equal(springEnvironment(order, { ...platform, nativeConfigDir: "/config" }).SPRING_PROFILES_ACTIVE, "dev", "only the config server reads files");
        });

        it("turns on the liveness and readiness groups the probes ask for", () => {
            assert.equal(springEnvironment(order, platform).MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED, "true");
        });

        it("lets a stack tune the profile, the JVM and the sampling, all of which it sets, and nothing else", () => {
            const env = springEnvironment(order, platform);
            // The three README's warnings section calls "yours to set".
            assert.deepEqual(
                [...TUNABLE_VARIABLES].sort(),
                ["JAVA_TOOL_OPTIONS", "SPRING_PROFILES_ACTIVE", "SPRING_SLEUTH_SAMPLER_PROBABILITY"],
            );
            for (const name of TUNABLE_VARIABLES) assert.ok(name in env, name);
            assert.equal(env.JAVA_TOOL_OPTIONS, "-Xmx512m");
            assert.equal(env.SPRING_SLEUTH_SAMPLER_PROBABILITY, "0.5");
        });
    });
});

