import { z } from "zod";

export const signUpInput = z.object({
  email: z.email("Enter a valid email address").max(254),
  password: z.string().max(200, "Password must be at most 200 characters."),
  name: z.string().trim().min(1, "Enter your name").max(100),
});

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(200),
  newPassword: z.string().max(200, "Password must be at most 200 characters."),
});
