import { Server } from "node:http";
import { isIP } from "node:net";

/**
 * The header that carries the TCP peer's address from the socket to request handlers. Next's route
 * handlers see a `Request` and no socket, and Next itself only fills `x-forwarded-for` with the
 * socket address when the client sent none (`??=`), so a client could name any address there.
 */
export const SOCKET_ADDRESS_HEADER = "x-strata-socket-address";

const shared = globalThis as { __strataSocketAddressCapture?: boolean };

/**
 * Writes every incoming request's socket address into SOCKET_ADDRESS_HEADER, replacing whatever the
 * client sent under that name. Patches `http.Server.prototype.emit`, so it also covers a server that
 * was created before this ran (next start creates its server before instrumentation runs). Idempotent.
 */
export function captureSocketAddresses(): void {
  if (shared.__strataSocketAddressCapture) return;
  shared.__strataSocketAddressCapture = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function emitWithSocketAddress(
    this: Server,
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (event === "request") {
      const request = args[0] as { headers?: Record<string, unknown>; socket?: { remoteAddress?: string } };
      if (request?.headers) {
        // Delete first: a client-sent header of this name must never survive.
        delete request.headers[SOCKET_ADDRESS_HEADER];
        const address = request.socket?.remoteAddress;
        if (address) request.headers[SOCKET_ADDRESS_HEADER] = address;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof Server.prototype.emit;
}

/** Whether SOCKET_ADDRESS_HEADER can be believed in this process. */
export function isCapturingSocketAddresses(): boolean {
  return shared.__strataSocketAddressCapture === true;
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined;

function readHeader(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function normalizeAddress(value: string | undefined): string | undefined {
  let address = value?.trim();
  if (!address) return undefined;
  // "::ffff:203.0.113.5" is the IPv4 client of a dual-stack socket: one client, one key.
  if (address.toLowerCase().startsWith("::ffff:") && isIP(address.slice(7)) === 4) address = address.slice(7);
  return isIP(address) ? address : undefined;
}

export interface ClientIpOptions {
  /**
   * Reverse proxies in front of the server that append the address they saw to x-forwarded-for
   * (STRATA_TRUSTED_PROXIES). 0: no proxy, the socket's peer is the client.
   */
  trustedProxies: number;
  /** Believe SOCKET_ADDRESS_HEADER (true when captureSocketAddresses ran in this process). */
  trustSocketHeader?: boolean | undefined;
}

/**
 * The client's address for rate limiting, or undefined when it cannot be known.
 *
 * With no trusted proxy it is the socket's peer; x-forwarded-for is ignored, as any client can send
 * one. With N trusted proxies, each appends the address it received the request from, so the
 * client is the N-th address from the right of [x-forwarded-for..., socket peer] counting the socket
 * peer as the first: the rightmost addresses were written by our proxies, anything left of them by
 * whoever sent the request. (Express's `trust proxy` = N reads the same address.)
 */
export function clientIp(headers: HeaderBag, options: ClientIpOptions): string | undefined {
  const trustSocket = options.trustSocketHeader ?? isCapturingSocketAddresses();
  const socket = trustSocket ? normalizeAddress(readHeader(headers, SOCKET_ADDRESS_HEADER)) : undefined;
  if (options.trustedProxies <= 0) return socket;
  const forwarded = (readHeader(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  // Nearest first: the socket peer (the last proxy), then what each trusted proxy appended.
  const chain = trustSocket ? [socket ?? "", ...forwarded.reverse()] : ["", ...forwarded.reverse()];
  // Fewer hops than configured: the request did not come through all our proxies; take the farthest
  // address there is (still one a trusted hop wrote, never one further left).
  const index = Math.min(options.trustedProxies, chain.length - 1);
  return normalizeAddress(chain[index]);
}
