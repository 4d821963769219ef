/**
 * What `pulumi up` waits for. The kubernetes provider awaits these kinds until pods run or a
 * controller acts (its await/awaiters.go): on a cluster where that never happens (no
 * ingress controller, no kubelet) `pulumi up` hangs on any of them that lacks
 * `pulumi.com/skipAwait`. The real engine found the gateway's Ingress doing exactly that.
 */
import { strict as assert } from "assert";
import { ingressAwaitNotice, INGRESS_AWAIT_SECONDS } from "../components/application/gateway-ingress";
import type { KubeObject } from "../offline/manifests";
import { declare, find } from "./support";

/** Kinds whose await needs running pods or a controller; a Service only when it selects pods. */
const AWAITED = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "Pod", "Ingress", "PersistentVolumeClaim", "Service"]);

function awaited(o: KubeObject): boolean {
    if (!AWAITED.has(o.kind)) {
        return false;
    }
    const spec = (o.spec ?? {}) as { selector?: object; clusterIP?: string; type?: string };
    return o.kind !== "Service" || (spec.selector !== undefined && spec.clusterIP !== "None" && spec.type !== "ExternalName");
}

const annotations = (o: KubeObject) => (o.metadata.annotations ?? {}) as Record<string, string>;

describe("what pulumi up waits for", () => {
    // Everything that can declare a Job or an extra awaited object is switched on.
    const everything = { skipAwait: true, smokeTest: true, scaleToZero: true, postgres: { restoreFrom: "backup-20260101-000000.sql.gz" } };

    for (const stack of ["dev", "prod"]) {
        it(`with skipAwait, nothing in ${stack} waits for pods or controllers`, async () => {
            const { objects } = await declare({ stack, config: everything });
            const waiting = objects.filter(awaited).filter((o) => annotations(o)["pulumi.com/skipAwait"] !== "true");
            assert.deepEqual(waiting.map((o) => `${o.kind}/${o.metadata.name}`), []);
            // The check above looks at real objects of every awaited kind the stacks declare.
            const kinds = new Set(objects.filter(awaited).map((o) => o.kind));
            for (const kind of ["Deployment", "StatefulSet", "Job", "Ingress", "PersistentVolumeClaim", "Service"]) {
                assert.ok(kinds.has(kind), `${stack} declares no ${kind}`);
            }
        });
    }

    it("without skipAwait, the Ingress waits a bounded time and preview says for what", async () => {
        const { objects } = await declare({ stack: "prod" });
        const ingress = find(objects, "Ingress", "api-gateway");
        assert.equal(annotations(ingress)["pulumi.com/skipAwait"], undefined);
        assert.equal(annotations(ingress)["pulumi.com/timeoutSeconds"], String(INGRESS_AWAIT_SECONDS));
        const notice = ingressAwaitNotice({ className: "nginx", controllerNamespace: "ingress-nginx", tlsTerminatedElsewhere: false }, false);
        assert.match(notice ?? "", /ingress controller of class "nginx"/);
        assert.match(notice ?? "", /skipAwait: true or ingressEnabled: false/);
        assert.equal(ingressAwaitNotice({ className: "nginx", controllerNamespace: "ingress-nginx", tlsTerminatedElsewhere: false }, true), undefined);
    });

    it("without skipAwait, Services still wait for their pods", async () => {
        const { objects } = await declare({ stack: "prod" });
        assert.equal(annotations(find(objects, "Service", "order-service"))["pulumi.com/skipAwait"], undefined);
    });
});
