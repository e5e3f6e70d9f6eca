import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth";

export const dynamic = "force-dynamic";

interface RouteContext {
  params: Promise<{ nextauth: string[] }>;
}

async function handler(request: NextRequest, context: RouteContext): Promise<Response> {
  return NextAuth(request, context, await getAuthOptions());
}

export { handler as GET, handler as POST };
