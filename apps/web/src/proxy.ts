import { type NextRequest, NextResponse } from "next/server";

/**
 * A fresh Content-Security-Policy nonce for every page request (Next 16's Proxy, formerly
 * middleware; nextjs.org/docs/app/guides/content-security-policy). Next reads the nonce from the
 * request's CSP header while rendering and puts it on its own scripts, so pages must render per
 * request (they do: the app's layouts are `force-dynamic`). The headers that do not change per
 * request (nosniff, Referrer-Policy, HSTS...) are in next.config.ts and reach every response.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const policy = contentSecurityPolicy({
    nonce,
    // biome-ignore lint/style/noProcessEnv: NODE_ENV is inlined by Next at build time, not configuration.
    isDev: process.env.NODE_ENV === "development",
    isHttps: isHttpsRequest(request),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: API routes answer JSON or CSV (next.config.ts gives them nosniff and the rest),
      // and build assets are files. Prefetches are left out as Next's guide advises.
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};

/**
 * The page policy.
 * - Scripts: only those carrying this request's nonce, and what they load ('strict-dynamic').
 *   Development adds 'unsafe-eval', which React uses there to rebuild server stacks.
 * - Style elements: 'self' (Tailwind's built stylesheet) and the nonce (Next's own inline styles).
 * - Style attributes: 'unsafe-inline'. React writes `style={...}` props as attributes, and Recharts
 *   sizes and places every chart that way (ResponsiveContainer, tooltips, legends); a nonce cannot
 *   be put on an attribute, and hashing every computed width is impossible. An injected style
 *   attribute can restyle a page but cannot run code, while scripts stay nonce-only.
 *   `style-src` (read by browsers without the -elem/-attr split) says the same as the two together.
 * - Nothing may frame a page (frame-ancestors 'none'), forms post only here, no plugins.
 * - Behind HTTPS, http: subresources are upgraded; over plain HTTP (the local demo on
 *   http://localhost:<PORT> or a LAN address) that upgrade would break every asset, so it is left out.
 */
export function contentSecurityPolicy(options: { nonce: string; isDev: boolean; isHttps: boolean }): string {
  const { nonce, isDev, isHttps } = options;
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // Development injects style elements from JavaScript without the nonce (Next's guide).
    `style-src-elem 'self' ${isDev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(isHttps ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * Whether the browser reached us over HTTPS. `next start` serves plain HTTP, so HTTPS means a
 * TLS-terminating proxy in front, which says so in X-Forwarded-Proto (Next keeps that header as given).
 */
export function isHttpsRequest(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || new URL(request.url).protocol === "https:";
}

/** 128 random bits, base64: unguessable and new on every request. */
function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
