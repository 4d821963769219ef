/**
 * Bad stack config fails before anything is declared, naming the key as it is written in
 * Pulumi.<stack>.yaml and what is allowed there.
 */
import { strict as assert } from "assert";
import { ProgramFailure, runProgram, type RunOptions } from "../offline/run";
import { ConfigError } from "../stacks/config-error";
import { recorded } from "./support";

async function rejection(options: RunOptions): Promise<string> {
    try {
        await runProgram(options);
    } catch (error) {
        assert.ok(error instanceof ProgramFailure, `unexpected ${String(error)}`);
        assert.ok(error.cause instanceof ConfigError, `not a config error: ${String(error.cause)}`);
        assert.equal(error.declared.length, 0, "nothing may be declared before config is validated");
        return error.message;
    }
    throw new Error(`config was accepted: ${JSON.stringify(options.config)}`);
}

const ALL_SERVICES =
    /api-gateway, .*service-discovery|cloud-config, service-discovery, api-gateway, user-service, product-service, order-service, payment-service, shipping-service, favourite-service, proxy-client/;

describe("config validation", () => {
    it("rejects an unknown service name in overrides and lists the known ones", async () => {
        const message = await rejection({ stack: "prod", config: { services: { "order-servce": { replicas: 2 } } } });
        assert.match(message, /ecommerce:services\.order-servce: unknown service; allowed: /);
        assert.match(message, ALL_SERVICES);
    });

    it("rejects minReplicas above maxReplicas, at stack and at service level", async () => {
        const stackLevel = await rejection({ stack: "dev", config: { autoscaling: { minReplicas: 5, maxReplicas: 3 } } });
        assert.match(stackLevel, /ecommerce:autoscaling: minReplicas \(5\) must not exceed maxReplicas \(3\)/);
        const serviceLevel = await rejection({
            stack: "prod",
            config: { services: { "order-service": { autoscaling: { minReplicas: 4, maxReplicas: 3 } } } },
        });
        assert.match(serviceLevel, /ecommerce:services\.order-service\.autoscaling: minReplicas \(4\) must not exceed maxReplicas \(3\)/);
    });

    it("rejects zero and negative counts and percentages", async () => {
        const zero = await rejection({ stack: "prod", config: { services: { "user-service": { autoscaling: { maxReplicas: 0 } } } } });
        assert.match(zero, /ecommerce:services\.user-service\.autoscaling\.maxReplicas: must be at least 1/);
        const negative = await rejection({ stack: "prod", config: { autoscaling: { minReplicas: -2 } } });
        assert.match(negative, /ecommerce:autoscaling\.minReplicas: must be at least 1/);
        const percent = await rejection({ stack: "prod", config: { autoscaling: { targetCPUUtilization: 0 } } });
        assert.match(percent, /ecommerce:autoscaling\.targetCPUUtilization: must be a whole percentage from 1 to 100/);
        const timeout = await rejection({ stack: "prod", config: { rolloutTimeoutSeconds: "-5" } });
        assert.match(timeout, /ecommerce:rolloutTimeoutSeconds: must be at least 1/);
    });

    it("rejects malformed quantities such as 512MB and says what a quantity looks like", async () => {
        const message = await rejection({
            stack: "prod",
            config: { services: { "payment-service": { resources: { requests: { memory: "512MB" } } } } },
        });
        assert.match(
            message,
            /ecommerce:services\.payment-service\.resources\.requests\.memory: "512MB" is not a positive Kubernetes memory quantity; use binary suffixes Ki, Mi, Gi/,
        );
        const cpu = await rejection({ stack: "prod", config: { resources: { limits: { cpu: "two" } } } });
        assert.match(cpu, /ecommerce:resources\.limits\.cpu: "two" is not a positive Kubernetes CPU quantity/);
    });

    it("rejects requests above limits, naming the key that caused it", async () => {
        const service = await rejection({
            stack: "prod",
            config: { services: { "order-service": { resources: { requests: { memory: "2Gi" } } } } },
        });
        assert.match(service, /ecommerce:services\.order-service\.resources\.requests\.memory: request 2Gi exceeds the limit 1Gi \(ecommerce:services\.order-service\.resources\.limits\.memory or its default\)/);
        const stackLevel = await rejection({ stack: "prod", config: { resources: { limits: { cpu: "250m" } } } });
        assert.match(stackLevel, /ecommerce:resources\.limits\.cpu: limit 250m is below the request 500m \(ecommerce:resources\.requests\.cpu or its default\)/);
    });

    it("rejects the image tag latest, globally and per service", async () => {
        const global = await rejection({ stack: "prod", config: { imageTag: "latest" } });
        assert.match(global, /ecommerce:imageTag: must not be "latest".*pin a version such as 0\.1\.0/);
        const service = await rejection({
            stack: "prod",
            config: { services: { "api-gateway": { image: "docker.io/selimhorri/api-gateway-ecommerce-boot" } } },
        });
        assert.match(service, /ecommerce:services\.api-gateway\.image: .* has no tag .*pin a version tag/);
    });

    it("rejects a namespace that is not a DNS label", async () => {
        const message = await rejection({ stack: "prod", config: { namespace: "Prod_Env" } });
        assert.match(message, /ecommerce:namespace: must be a DNS label: lower-case letters, digits and '-'/);
    });

    it("rejects unknown keys with the list of known ones, at every level", async () => {
        const top = await rejection({ stack: "prod", config: { imagetag: "0.2.0" } });
        assert.match(top, /ecommerce:imagetag: unknown key; allowed keys here: namespace, .*imageTag/);
        const nested = await rejection({ stack: "prod", config: { services: { "user-service": { replica: 2 } } } });
        assert.match(nested, /ecommerce:services\.user-service\.replica: unknown key; allowed keys here: image, replicas, autoscaling, resources, restartedAt, env/);
    });

    it("refuses to autoscale or replicate the singletons", async () => {
        const hpa = await rejection({ stack: "prod", config: { services: { "service-discovery": { autoscaling: { maxReplicas: 3 } } } } });
        assert.match(hpa, /ecommerce:services\.service-discovery\.autoscaling: service-discovery is a singleton/);
        const replicas = await rejection({ stack: "prod", config: { services: { "cloud-config": { replicas: 2 } } } });
        assert.match(replicas, /ecommerce:services\.cloud-config\.replicas: cloud-config is a singleton and runs 1 replica \(or 0 to stop it\); got 2/);
    });

    it("refuses a fixed replica count on an autoscaled service", async () => {
        const message = await rejection({ stack: "prod", config: { services: { "order-service": { replicas: 3 } } } });
        assert.match(message, /ecommerce:services\.order-service\.replicas: .*autoscaling\.enabled: false/);
    });

    it("rejects a value of the wrong kind and a bad enum value with the allowed values", async () => {
        const bool = await rejection({ stack: "prod", config: { skipAwait: "yes" } });
        assert.match(bool, /ecommerce:skipAwait: must be true or false/);
        const level = await rejection({ stack: "prod", config: { podSecurity: "strict" } });
        assert.match(level, /ecommerce:podSecurity: must be one of "privileged", "baseline", "restricted"; written: "[^"]+"/);
    });

    it("names a missing required key", async () => {
        const message = await rejection({ stack: "prod", unset: ["namespace"] });
        assert.match(message, /ecommerce:namespace: is required/);
    });

    it("reports every problem at once", async () => {
        const message = await rejection({ stack: "prod", config: { imageTag: "latest", namespace: "-bad-" } });
        assert.match(message, /ecommerce:imageTag/);
        assert.match(message, /ecommerce:namespace/);
    });

    it("accepts a valid override and applies it to that service only", async () => {
        const result = await runProgram({
            stack: "prod",
            config: { services: { "order-service": { autoscaling: { enabled: false }, replicas: 3, env: { LOGGING_LEVEL_ROOT: "DEBUG" } } } },
        });
        const deployments = result.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
        const order = recorded(deployments, "kubernetes:apps/v1:Deployment", "order-service")!.inputs as { spec: { replicas?: number; template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } };
        assert.equal(order.spec.replicas, 3);
        assert.ok(order.spec.template.spec.containers[0]!.env.some((e) => e.name === "LOGGING_LEVEL_ROOT" && e.value === "DEBUG"));
        assert.ok(!recorded(result.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "order-service"));
        assert.ok(recorded(result.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "user-service"));
    });
});
