/** The Docker containers a stack declares, as the local-stack and docker-wiring tests read them. */
import { revealSecrets } from "../offline/manifests";
import type { RecordedResource } from "../offline/mocks";
import type { Declared } from "./support";

export const CONTAINER = "docker:index/container:Container";

/** The fields of a docker.Container's inputs the tests read. */
export interface ContainerInputs {
    name: string;
    image: string;
    envs: string[];
    command?: string[];
    entrypoints?: string[];
    ports?: { internal: number; external: number; ip: string }[];
    uploads: { file: string; content: string }[];
    volumes: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[];
    healthcheck?: { tests: string[]; interval: string; timeout: string; startPeriod: string; retries: number };
    restart: string;
    wait?: boolean;
    waitTimeout?: number;
    mustRun?: boolean;
    attach?: boolean;
    logs?: boolean;
    memory: number;
    cpus?: string;
    user?: string;
    networksAdvanced: { name: string; aliases: string[] }[];
    labels: { label: string; value: string }[];
}

/** The recorded container resources of a stack. */
export function containerResources(d: Declared): RecordedResource[] {
    return d.resources.filter((r) => r.type === CONTAINER);
}

/** A container's environment; a list holding a password arrives wrapped as a secret, and is unwrapped here. */
export function containerEnv(inputs: { envs: unknown }): Record<string, string> {
    const list = revealSecrets(inputs.envs) as string[];
    return Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}
