export {
  type AuthorizedUser,
  authorizeCredentials,
  type CredentialsInput,
  normalizeEmail,
} from "./authorize.js";
export {
  type ClientIpOptions,
  captureSocketAddresses,
  clientIp,
  isCapturingSocketAddresses,
  SOCKET_ADDRESS_HEADER,
} from "./client-ip.js";
export { demoWorkspaceOwnership } from "./demo-login.js";
export { type AuthEnv, readAuthEnv } from "./env.js";
export { type CreateAuthOptionsInput, createAuthOptions, sameOriginRedirect } from "./options.js";
export { checkPasswordRules, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from "./password.js";
export {
  consumeRateLimits,
  emailDelayMs,
  LOGIN_LIMITS,
  type LoginReservation,
  RATE_LIMITS,
  type RateLimit,
  releaseRateLimits,
  TooManyAttemptsError,
} from "./rate-limit.js";
export { hasRole, isRole, ROLE_DESCRIPTIONS, ROLES, type Role } from "./roles.js";
export { resolveAuthSecret } from "./secret.js";
export { endUserSessions, readSessionVersion, SessionEndedError } from "./session.js";
export { type CookieSource, readSessionClaims, type SessionClaims } from "./session-cookie.js";
