/** The pack's parsers: quantities as the API server reads them, image names as the runtimes do. */
import { strict as assert } from "assert";
import { canonicalRepository, parseImageRef, registryOf, unpinnedReason } from "../lib/image";
import { parseCpu, parseMemory } from "../lib/quantity";

describe("quantities", () => {
    it("reads memory the way the API server does", () => {
        assert.equal(parseMemory("512Mi"), 512 * 1024 * 1024);
        assert.equal(parseMemory("1Gi"), 1024 ** 3);
        assert.equal(parseMemory("1G"), 1e9);
        assert.equal(parseMemory("128974848"), 128974848);
        assert.equal(parseMemory("512MB"), undefined);
        assert.equal(parseMemory("500m"), undefined, "milli-bytes are never meant");
        assert.equal(parseMemory(""), undefined);
    });

    it("reads CPU in cores", () => {
        assert.equal(parseCpu("500m"), 0.5);
        assert.equal(parseCpu("1000m"), parseCpu("1"));
        assert.equal(parseCpu("0.25"), 0.25);
        assert.equal(parseCpu("1Gi"), undefined);
        assert.equal(parseCpu("one"), undefined);
    });
});

describe("image references", () => {
    it("splits registry, repository, tag and digest", () => {
        assert.deepEqual(parseImageRef("docker.io/selimhorri/api-gateway-ecommerce-boot:0.1.0"), {
            repository: "docker.io/selimhorri/api-gateway-ecommerce-boot",
            tag: "0.1.0",
            digest: undefined,
        });
        assert.equal(parseImageRef("localhost:5000/app")?.tag, undefined);
        assert.equal(registryOf(parseImageRef("localhost:5000/app:1")!), "localhost:5000");
        assert.equal(registryOf(parseImageRef("busybox:1.36.1")!), "docker.io");
        assert.equal(registryOf(parseImageRef("ghcr.io/org/app:1")!), "ghcr.io");
        assert.equal(parseImageRef("Not An Image"), undefined);
    });

    it("calls untagged and latest images unpinned, and digests pinned", () => {
        assert.match(unpinnedReason(parseImageRef("busybox")!)!, /no tag/);
        assert.match(unpinnedReason(parseImageRef("busybox:latest")!)!, /latest/);
        assert.equal(unpinnedReason(parseImageRef("busybox:1.36.1")!), undefined);
        assert.equal(unpinnedReason(parseImageRef(`busybox@sha256:${"a".repeat(64)}`)!), undefined);
    });
});

describe("image names as the runtimes resolve them", () => {
    it("gives every spelling of a Docker Hub repository one name", () => {
        const canonical = (ref: string) => canonicalRepository(parseImageRef(ref)!);
        for (const ref of ["selimhorri/app:1", "docker.io/selimhorri/app:1", "index.docker.io/selimhorri/app:1", "registry-1.docker.io/selimhorri/app:1"]) {
            assert.equal(canonical(ref), "docker.io/selimhorri/app", ref);
        }
        assert.equal(canonical("busybox:1.36.1"), "docker.io/library/busybox");
        assert.equal(canonical("localhost:5000/app:1"), "localhost:5000/app");
        assert.equal(canonical("ghcr.io/org/app:1"), "ghcr.io/org/app");
    });

    it("takes the digest algorithms the spec allows and refuses malformed names", () => {
        assert.ok(parseImageRef(`app@sha512:${"a".repeat(128)}`));
        assert.equal(parseImageRef("app@sha256:short"), undefined);
        assert.equal(parseImageRef("Upper/app:1")?.repository, "Upper/app");
        assert.equal(parseImageRef("upper/App:1"), undefined);
        assert.equal(parseImageRef(`${"a".repeat(256)}:1`), undefined);
    });
});

