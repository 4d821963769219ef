/** The docker target's host and ports, and image builds from source. */
export interface DockerSettings {
    /** Docker host (DOCKER_HOST form); undefined uses the local daemon. */
    readonly host?: string;
    /** Host port of every container published on localhost, by container name. */
    readonly hostPorts: Readonly<Record<string, number>>;
    /** Keep the named volumes on `pulumi destroy` (docker-compose down) or delete them (down -v). */
    readonly keepVolumes: boolean;
}

export interface ImageBuildSettings {
    /** Checkout of the services' sources: <context>/<service>/Dockerfile, built with the checkout as context. */
    readonly context: string;
    readonly registry?: string;
    readonly push: boolean;
}
