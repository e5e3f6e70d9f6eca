import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { captureSocketAddresses, clientIp, SOCKET_ADDRESS_HEADER } from "./client-ip.js";

const socket = (address: string, extra: Record<string, string> = {}) => ({
  [SOCKET_ADDRESS_HEADER]: address,
  ...extra,
});

describe("clientIp", () => {
  it("with no trusted proxy uses the socket's address and ignores X-Forwarded-For as sent", () => {
    const headers = socket("198.51.100.4", { "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" });
    expect(clientIp(headers, { trustedProxies: 0, trustSocketHeader: true })).toBe("198.51.100.4");
    expect(clientIp(new Headers(headers), { trustedProxies: 0, trustSocketHeader: true })).toBe(
      "198.51.100.4",
    );
  });

  it("a spoofed X-Forwarded-For cannot give a client a fresh address per guess", () => {
    const ips = new Set(
      ["1.1.1.1", "2.2.2.2", "3.3.3.3"].map((spoof) =>
        clientIp(socket("198.51.100.4", { "x-forwarded-for": spoof }), {
          trustedProxies: 0,
          trustSocketHeader: true,
        }),
      ),
    );
    expect([...ips]).toEqual(["198.51.100.4"]);
  });

  it("with N trusted proxies takes the N-th address from the right, never the client-written first one", () => {
    // The client sent "6.6.6.6"; our one proxy appended the address it saw; the socket is the proxy.
    const oneHop = socket("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 203.0.113.5" });
    expect(clientIp(oneHop, { trustedProxies: 1, trustSocketHeader: true })).toBe("203.0.113.5");
    const twoHops = socket("10.0.0.3", { "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.2" });
    expect(clientIp(twoHops, { trustedProxies: 2, trustSocketHeader: true })).toBe("203.0.113.5");
    // Fewer addresses than hops: the farthest there is.
    expect(
      clientIp(socket("10.0.0.2", { "x-forwarded-for": "203.0.113.5" }), {
        trustedProxies: 3,
        trustSocketHeader: true,
      }),
    ).toBe("203.0.113.5");
    // Without the socket header (not captured), the proxies' entries are still read from the right.
    expect(
      clientIp(
        { "x-forwarded-for": "6.6.6.6, 203.0.113.5" },
        { trustedProxies: 1, trustSocketHeader: false },
      ),
    ).toBe("203.0.113.5");
  });

  it("does not believe a socket header the server did not write, and drops values that are no address", () => {
    expect(clientIp(socket("198.51.100.4"), { trustedProxies: 0, trustSocketHeader: false })).toBeUndefined();
    expect(clientIp(socket("not-an-ip"), { trustedProxies: 0, trustSocketHeader: true })).toBeUndefined();
    expect(clientIp(socket("::ffff:198.51.100.4"), { trustedProxies: 0, trustSocketHeader: true })).toBe(
      "198.51.100.4",
    );
    expect(clientIp(undefined, { trustedProxies: 1 })).toBeUndefined();
  });

  it("captures the real socket address on a Node server, replacing a header of that name sent by the client", async () => {
    const server = createServer((req, res) => {
      res.end(JSON.stringify({ ip: clientIp(req.headers as Record<string, string>, { trustedProxies: 0 }) }));
    });
    // Created before capturing starts, as next start does.
    captureSocketAddresses();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [SOCKET_ADDRESS_HEADER]: "6.6.6.6", "x-forwarded-for": "7.7.7.7" },
      });
      expect(await response.json()).toEqual({ ip: "127.0.0.1" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
