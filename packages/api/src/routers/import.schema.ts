import { z } from "zod";
import { importMappingSchema, onInvalidSchema } from "../services/import/mapping.js";

export const getImportInput = z.object({ id: z.uuid("Not an import id") });

export const listImportsInput = z.object({ limit: z.int().min(1).max(100).default(20) });

export const previewImportInput = z.object({
  id: z.uuid("Not an import id"),
  encoding: z.enum(["utf-8", "utf-16le", "utf-16be", "windows-1252"]).optional(),
  delimiter: z.string().min(1).max(2).optional(),
  sheet: z.string().optional(),
});

export const startImportInput = z.object({
  id: z.uuid("Not an import id"),
  mapping: importMappingSchema,
  onInvalid: onInvalidSchema.default("reject_file"),
  datasetName: z.string().trim().min(1).max(120).optional(),
});

export const cancelImportInput = z.object({ id: z.uuid("Not an import id") });
