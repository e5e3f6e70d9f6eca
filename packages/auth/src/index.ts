export {
  type AuthorizedUser,
  authorizeCredentials,
  type CredentialsInput,
  normalizeEmail,
} from "./authorize.js";
export { readAuthEnv } from "./env.js";
export { type CreateAuthOptionsInput, clientIp, createAuthOptions } from "./options.js";
export { checkPasswordRules, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from "./password.js";
export { LOGIN_LIMITS, TooManyAttemptsError } from "./rate-limit.js";
export { hasRole, isRole, ROLE_DESCRIPTIONS, ROLES, type Role } from "./roles.js";
export { resolveAuthSecret } from "./secret.js";
