import * as docker from "@pulumi/docker";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { SERVICES } from "../../catalog";
import type { Settings } from "../../settings";
import type { Children } from "../shared/naming";

/**
 * The service images built from a checkout of their sources (imageBuild), for instance with
 * the PostgreSQL driver added: each `<context>/<service>/Dockerfile`, with the checkout as
 * build context as its Dockerfiles expect (build the jars first: `./mvnw package`). Pushed to
 * imageBuild.registry when push is set; the result is the reference to run.
 */
export function buildImages(settings: Settings, owner: Children): Record<string, pulumi.Output<string>> {
    const build = settings.imageBuild;
    if (!build) {
        return {};
    }
    return Object.fromEntries(
        SERVICES.map((spec) => {
            const child = owner.of(`${spec.name}-image`);
            const image = new docker.Image(
                child.name,
                {
                    imageName: settings.services[spec.name].image,
                    build: { context: build.context, dockerfile: path.join(build.context, spec.name, "Dockerfile"), platform: "linux/amd64" },
                    skipPush: !build.push,
                },
                child.opts,
            );
            // A pushed image runs by digest, so a rebuild under the same tag still rolls the pods.
            return [spec.name, build.push ? image.repoDigest : image.imageName];
        }),
    );
}
