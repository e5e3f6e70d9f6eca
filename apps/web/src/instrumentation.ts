// Next calls register() once per server process before it serves requests. Only the Node.js runtime
// opens the database: the edge runtime has no file system and no PGlite.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./server/start");
  await startServer();
}
