/**
 * Container image references as the distribution specification defines them (the grammar
 * of distribution/reference, which Docker, containerd and Kubernetes' kubelet use), and
 * normalized as they do: selimhorri/app, docker.io/selimhorri/app and
 * index.docker.io/selimhorri/app name the same repository.
 */

export interface ImageRef {
    /** The name as written, without tag or digest. */
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

// distribution/reference's regexp.go, piece by piece.
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})(?::[0-9]+)?`;
const NAME = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

export function parseImageRef(ref: string): ImageRef | undefined {
    const at = ref.indexOf("@");
    const nameAndTag = at < 0 ? ref : ref.slice(0, at);
    const digest = at < 0 ? undefined : ref.slice(at + 1);
    if (digest !== undefined && !DIGEST.test(digest)) {
        return undefined;
    }
    const slash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.lastIndexOf(":");
    const hasTag = colon > slash;
    const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
    const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
    if (repository.length > NAME_MAX || !NAME.test(repository) || (tag !== undefined && !TAG.test(tag))) {
        return undefined;
    }
    return { repository, tag, digest };
}

/**
 * Registry and path as the runtimes resolve them (distribution/reference's
 * splitDockerDomain): a first segment without '.' or ':' that is not `localhost` is a
 * Docker Hub path; `index.docker.io` is Docker Hub; a one-segment Hub path is `library/`.
 */
export function normalizedName(ref: ImageRef): { readonly domain: string; readonly path: string } {
    const slash = ref.repository.indexOf("/");
    const first = slash < 0 ? "" : ref.repository.slice(0, slash);
    const isDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
    let domain = isDomain ? first : "docker.io";
    let path = isDomain ? ref.repository.slice(slash + 1) : ref.repository;
    if (domain === "index.docker.io" || domain === "registry-1.docker.io") {
        // registry-1.docker.io is Docker Hub's API host: the same repositories under another name.
        domain = "docker.io";
    }
    if (domain === "docker.io" && !path.includes("/")) {
        path = `library/${path}`;
    }
    return { domain, path };
}

/** `docker.io/selimhorri/app`: one spelling for every way of writing the same repository. */
export function canonicalRepository(ref: ImageRef): string {
    const { domain, path } = normalizedName(ref);
    return `${domain}/${path}`;
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

/** Registry host of a reference, as the runtime resolves it. */
export function registryOf(ref: ImageRef): string {
    return normalizedName(ref).domain;
}
