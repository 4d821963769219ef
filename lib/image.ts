/** Container image references, split the way registries read them. */

export interface ImageRef {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseImageRef(ref: string): ImageRef | undefined {
    const [nameAndTag, digest, extra] = ref.split("@");
    if (extra !== undefined || nameAndTag === undefined || (digest !== undefined && !DIGEST.test(digest))) {
        return undefined;
    }
    const slash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.lastIndexOf(":");
    const hasTag = colon > slash;
    const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
    const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
    if (!REPOSITORY.test(repository) || (tag !== undefined && !TAG.test(tag))) {
        return undefined;
    }
    return { repository, tag, digest };
}

/**
 * Why a reference is not pinned, or undefined when it is. A missing tag means `latest`
 * to the runtime, and `latest` moves under a running Deployment.
 */
export function unpinnedReason(ref: ImageRef): string | undefined {
    if (ref.digest) {
        return undefined;
    }
    if (ref.tag === undefined) {
        return "has no tag (the runtime would pull :latest)";
    }
    if (ref.tag === "latest") {
        return 'uses the tag "latest", which changes under a running Deployment';
    }
    return undefined;
}

/** Registry host of a reference, Docker's way: the first segment when it looks like a host. */
export function registryOf(ref: ImageRef): string {
    const first = ref.repository.split("/")[0] ?? "";
    const isHost = ref.repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    return isHost ? first : "docker.io";
}
