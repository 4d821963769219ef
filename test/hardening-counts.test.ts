/** scripts/hardening.ts reads the checkers' own output formats into counts by check. */
import { strict as assert } from "assert";
import { countCheckov, countKubeScore } from "../scripts/hardening";

describe("npm run hardening's counts", () => {
    it("counts kube-score's CRITICAL and WARNING findings by check, with or without a container, and no OK or SKIPPED line", () => {
        const output = [
            "[OK] postgres-backup/prod batch/v1/CronJob",
            "[CRITICAL] postgres-backup/prod batch/v1/CronJob: (backup) ImagePullPolicy is not set to Always",
            "[CRITICAL] zipkin/prod apps/v1/Deployment: (zipkin) ImagePullPolicy is not set to Always",
            "[CRITICAL] log-shipper/prod-logging apps/v1/DaemonSet: Container has the same readiness and liveness probe",
            "[WARNING] user-service/prod apps/v1/Deployment: Deployment does not have a host podAntiAffinity set",
            "[SKIPPED] user-service/prod apps/v1/Deployment: Container Seccomp Profile",
        ].join("\n");
        assert.deepEqual(
            [...countKubeScore(output).entries()].sort(),
            [
                ["CRITICAL Container has the same readiness and liveness probe", 1],
                ["CRITICAL ImagePullPolicy is not set to Always", 2],
                ["WARNING Deployment does not have a host podAntiAffinity set", 1],
            ],
        );
    });

    it("reads Checkov's totals and failures by check, from an object or a list of one", () => {
        const report = {
            summary: { passed: 10, failed: 3 },
            results: {
                failed_checks: [
                    { check_id: "CKV_K8S_43", check_name: "Image should use digest" },
                    { check_id: "CKV_K8S_43", check_name: "Image should use digest" },
                    { check_id: "CKV_K8S_23", check_name: "Minimize the admission of root containers" },
                ],
            },
        };
        for (const json of [JSON.stringify(report), JSON.stringify([report])]) {
            const c = countCheckov(json);
            assert.equal(c.passed, 10);
            assert.equal(c.failed, 3);
            assert.equal(c.byCheck.get("CKV_K8S_43 Image should use digest"), 2);
            assert.equal(c.byCheck.get("CKV_K8S_23 Minimize the admission of root containers"), 1);
        }
    });
});
