/**
 * next-auth reports a rejected password or an unknown email as the same "CredentialsSignin" code:
 * the message must not tell which of the two it was. Any other error text comes from our own
 * authorize step (e.g. the rate limit) and is shown as it is.
 */
export function signInErrorMessage(error: string): string {
  if (error === "CredentialsSignin") return "Wrong email or password.";
  if (error === "SessionRequired") return "Sign in to continue.";
  if (/^[A-Z][A-Za-z]+$/.test(error)) return "Could not sign you in. Try again.";
  return error;
}
